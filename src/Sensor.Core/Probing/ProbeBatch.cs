using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Probing;

/// <summary>
/// Probes many targets with bounded concurrency. A mail domain (a name given without a port, probed
/// for SMTP) is resolved through MX in preference order, then A and AAAA of each MX host; with no
/// MX it falls back to its own A/AAAA (RFC 5321 §5.1); a null MX (RFC 7505) is a "no-mail" result.
/// A host name (HOST:PORT, or other protocols) is resolved to A/AAAA and probed as a host; an
/// address is probed as it is. Each server probed under a host name gets DANE (TLSA at
/// _PORT._tcp.HOST), each mail domain MTA-STS and TLS-RPT (TXT). Names that do not resolve and
/// resolvers that do not answer are results. Results come back in the order of the targets.
/// A caller that must be polite to each server (a survey) passes <c>acquireAddress</c>: it is held
/// around every connection to that address, once DNS has named it, so nothing is resolved twice.
/// </summary>
public static class ProbeBatch
{
    public const int DefaultConcurrency = 16;

    public static async Task<IReadOnlyList<ProbeResult>> RunAsync(IReadOnlyList<ProbeTarget> targets, ProbeOptions options, int concurrency = DefaultConcurrency,
        CancellationToken cancellationToken = default, Lazy<MailDns>? dns = null, Func<IPAddress, CancellationToken, Task<IDisposable>>? acquireAddress = null)
    {
        options.Trust.WarmUp();
        using var gate = new SemaphoreSlim(concurrency);
        var checks = new PlanChecks(options, cancellationToken, dns, acquireAddress);
        var tasks = targets.Select(async target =>
        {
            var plan = await ProbePlanner.PlanAsync(target, checks.Dns, options, cancellationToken);
            return await Task.WhenAll(plan.Select(p => checks.ProbeAsync(p, gate)));
        }).ToList();
        var all = await Task.WhenAll(tasks);
        return [.. all.SelectMany(r => r)];
    }

    /// <summary>The resolver of these options, made on first use.</summary>
    public static Lazy<MailDns> Lazy(ProbeOptions options) => new(() => new MailDns(options.Resolver, options.DnsTimeout));

    /// <summary>
    /// The DNS client and the TLSA and MTA-STS answers shared by the servers of one batch, and the
    /// probe of one planned server with its DANE (named hosts) and MTA-STS (mail domains) checks. An
    /// agent uses it for plans it resolved and checked itself, so its findings come from its own DNS.
    /// <paramref name="dns"/> shares a resolver across batches (a survey); <paramref name="acquireAddress"/>
    /// is held around each connection to an address (a survey's per-destination politeness).
    /// </summary>
    public sealed class PlanChecks(ProbeOptions options, CancellationToken cancellationToken,
        Lazy<MailDns>? dns = null, Func<IPAddress, CancellationToken, Task<IDisposable>>? acquireAddress = null)
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<DnsAnswer>>> _tlsa = new(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, Lazy<Task<MtaStsCheck>>> _policies = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Made on first use: address targets never touch DNS (nor read the system's resolver list).</summary>
        public Lazy<MailDns> Dns { get; } = dns ?? Lazy(options);

        /// <summary>Probes one planned server once <paramref name="gate"/> lets it (a plan already answered by DNS comes back as it is).</summary>
        public async Task<ProbeResult> ProbeAsync(ProbePlan p, SemaphoreSlim gate)
        {
            if (p.Known is { } known)
                return known;
            await gate.WaitAsync(cancellationToken);
            ProbeResult result;
            try
            {
                using var politeness = acquireAddress is null || p.Address is null ? null : await acquireAddress(p.Address, cancellationToken);
                result = await MailProbe.RunAsync(p.Target, p.Address, options, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
            result.MailDomain = p.MailDomain;
            result.MxPreference = p.Preference;
            if (options.Proxy is not null)
            {
                result.Dane = DaneCheck.NotChecked(ThroughProxy);
                result.MtaSts = MtaStsCheck.NotChecked(ThroughProxy);
                return result;
            }
            if (!IPAddress.TryParse(p.Target.Host, out _))
            {
                var name = TlsaName(p.Target.Host, p.Target.Port);
                var answer = await _tlsa.GetOrAdd(name, n => new(() => Dns.Value.QueryAsync(n, QueryType.TLSA, cancellationToken))).Value;
                result.Dane = DaneOf(name, answer, result.Tls?.CertificateDer, result.Tls?.SentChainDer, [p.Target.Host, .. p.MailDomain is { } d ? [d] : Array.Empty<string>()]);
            }
            if (p.MailDomain is { } domain)
            {
                var check = await _policies.GetOrAdd(domain, d => new(() => MtaStsAsync(d, Dns.Value, options, cancellationToken))).Value;
                result.MtaSts = Copy(check, p.Target.Host);
            }
            return result;
        }
    }

    private const string ThroughProxy = "not checked: through a SOCKS proxy only addresses are resolved there; TLSA and TXT would come from here's DNS";

    /// <summary>_PORT._tcp.HOST (RFC 7672 §2.2 for 25; the same form for the other mail ports, RFC 7671 §3).</summary>
    public static string TlsaName(string host, int port) => $"_{port}._tcp.{host.TrimEnd('.')}";

    /// <summary>The "dane" object of one server: its TLSA answer judged against the certificates it sent and its reference names.</summary>
    internal static DaneCheck DaneOf(string name, DnsAnswer answer, byte[]? leafDer, IReadOnlyList<byte[]>? sentChain, IReadOnlyList<string> referenceNames)
    {
        var records = answer.Records.OfType<TlsaRecord>()
            .Select(r => new Tlsa((int)r.CertificateUsage, (int)r.Selector, (int)r.MatchingType, r.CertificateAssociationData.ToArray())).ToList();
        var check = new DaneCheck
        {
            Checked = true,
            Name = name,
            Dnssec = answer.Dnssec,
            Tlsa = [.. records.Select(r => new TlsaEntry { Usage = r.Usage, Selector = r.Selector, Matching = r.Matching, Data = r.DataHex })],
        };
        if (answer.Kind is DnsAnswerKind.Records or DnsAnswerKind.NoData or DnsAnswerKind.NxDomain)
        {
            var verdict = DaneMatcher.Evaluate(records, answer.Dnssec == DnssecStatus.Validated, leafDer, sentChain, referenceNames);
            (check.Result, check.Note) = (verdict.Result, verdict.Note);
        }
        else if (answer.Kind == DnsAnswerKind.ServFail)
        {
            (check.Result, check.Note) = (DaneMatcher.Unusable, $"{answer.Error}: a DANE sender defers delivery (RFC 7672 §2.2)");
        }
        else
        {
            (check.Result, check.Note) = (DaneMatcher.None, answer.Error);
        }
        return check;
    }

    private static async Task<MtaStsCheck> MtaStsAsync(string domain, MailDns dns, ProbeOptions options, CancellationToken token)
    {
        var stsName = $"_mta-sts.{domain}";
        var rptName = $"_smtp._tls.{domain}";
        var (sts, rpt) = (dns.QueryAsync(stsName, QueryType.TXT, token), dns.QueryAsync(rptName, QueryType.TXT, token));
        var (stsAnswer, rptAnswer) = (await sts, await rpt);
        var (txt, id, error) = MailPolicyTxt.StsRecord(MailDns.TxtTexts(stsAnswer));
        var notes = new List<string>();
        if (stsAnswer.Error is { } e1 && stsAnswer.Kind != DnsAnswerKind.NxDomain)
            notes.Add(e1);
        else if (error is not null)
            notes.Add(error);
        if (rptAnswer.Error is { } e2 && rptAnswer.Kind != DnsAnswerKind.NxDomain)
            notes.Add(e2);
        MtaStsPolicy? policy = null;
        if (id is not null)
        {
            string? fetchError;
            (policy, fetchError) = await new MtaStsFetcher(dns, options.ReplyTimeout, options.MtaSts, options.Trust).FetchAsync(domain, token);
            if (fetchError is not null)
                notes.Add(fetchError);
        }
        return new MtaStsCheck
        {
            Checked = true,
            Domain = domain,
            Txt = txt,
            Id = id,
            Policy = policy,
            Tlsrpt = MailPolicyTxt.TlsRptRecord(MailDns.TxtTexts(rptAnswer)),
            Dnssec = stsAnswer.Dnssec,
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }

    private static MtaStsCheck Copy(MtaStsCheck c, string mxHost) => new()
    {
        Checked = c.Checked, Domain = c.Domain, Txt = c.Txt, Id = c.Id, Policy = c.Policy, Tlsrpt = c.Tlsrpt, Dnssec = c.Dnssec, Note = c.Note,
        MxMatch = c.Policy?.MatchesMx(mxHost),
    };
}
