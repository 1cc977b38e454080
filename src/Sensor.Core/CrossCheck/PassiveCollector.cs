using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Sessions;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// A sink that gathers, per server (protocol and endpoint), what the capture saw: sessions, STARTTLS
/// findings, refusals and certificates. At most <see cref="MaxServers"/> servers are followed.
/// Every session that showed its server (a greeting, a certificate, STARTTLS lacking or refused) raises
/// a question about it: <paramref name="onQuestion"/> (protocol, server, server name) is told at once,
/// since a host that answers differently here than elsewhere shows itself even when STARTTLS survives.
/// </summary>
public sealed class PassiveCollector(Action<string, string, string?>? onQuestion = null) : IRecordSink
{
    public const int MaxServers = 10_000;
    public const int MaxSessionIds = 100;

    /// <summary>Distinct greetings, EHLO lists, TLS versions and choices and TCP/IP traits kept per server.</summary>
    public const int MaxTraits = 16;

    private readonly Dictionary<(string Protocol, string Server), Entry> _servers = [];

    public void OnSession(MailSession session, SessionRecordOnDemand onDemand)
    {
        var record = onDemand.Value;
        if (EntryFor(record.Protocol, record.Server) is not { } entry)
            return;
        entry.Sessions++;
        entry.ServerName ??= record.ServerName;
        if (session.StartTlsReply is { Accepted: false })
            entry.Refused = true;
        if (record.TlsCertSha256 is { } cert)
            entry.Certs.Add(cert);
        if (entry.SessionIds.Count < MaxSessionIds)
            entry.SessionIds.Add(record.Id);
        bool lacked = LackedStartTls(session);
        if (lacked)
            entry.Lacked++;
        else if (session.TlsEstablished && !session.ImplicitTls)
            entry.Tls++;
        AddTraits(entry, session, record);
        if (onQuestion is not null && (lacked || record.TlsCertSha256 is not null || session.Banner is not null))
            onQuestion(record.Protocol, record.Server, record.ServerName);
    }

    private static void AddTraits(Entry entry, MailSession session, SessionRecord record)
    {
        if (record.ServerTcp is { } tcp)
            Add(entry.ServerTcp, TcpKey(tcp), tcp);
        if (session.TlsVersion is { } chosenVersion && session.TlsCipher is { } cipher && session.TlsClientCiphers.Count > 0)
        {
            var choice = new TlsChoice(chosenVersion, cipher, [.. session.TlsClientCiphers.Select(TlsCipherSuites.Name)]);
            Add(entry.TlsChoices, $"{choice.Version} {choice.Cipher} {string.Join(',', choice.Offered)}", choice);
        }
        if (session.Banner is { } banner)
            Add(entry.Greetings, AnswerTraits.Greeting(banner));
        if (session.CapabilitiesSeen && AnswerTraits.Capabilities(session.Protocol.ToWire(), session.Capabilities) is { } list)
            Add(entry.CapabilityLists, list);
        if (session.TlsEstablished && session.TlsVersion is { } version)
            Add(entry.TlsVersions, version);
    }

    private static void Add(SortedSet<string> set, string value)
    {
        if (set.Count < MaxTraits)
            set.Add(value);
    }

    private static void Add<T>(SortedDictionary<string, T> distinct, string key, T value)
    {
        if (distinct.Count < MaxTraits)
            distinct.TryAdd(key, value);
    }

    /// <summary>What tells two SYN/ACKs' traits apart, the TTL as it arrived and so the hop count left out.</summary>
    private static string TcpKey(TcpTraitsRecord t) =>
        $"{t.InitialTtl} {t.Options} {t.Mss} {t.Window} {t.WindowScale} {t.SackPermitted} {t.Timestamps} {t.ClientOffered}";

    /// <summary>No STARTTLS where it belongs (absent, mangled or stripped), or STARTTLS refused; the detector decides which.</summary>
    private static bool LackedStartTls(MailSession session) =>
        session.StartTlsReply is { Accepted: false }
        || (!session.ImplicitTls && session.GreetingSeen && session.CapabilitiesSeen && !session.StartTlsOffered && !session.TlsEstablished);

    public void OnFinding(Finding finding, FindingRecord record)
    {
        if (finding.Kind is not (FindingKinds.StartTlsAbsent or FindingKinds.StartTlsStripped))
            return;
        if (EntryFor(record.Protocol, record.Server) is { } entry)
            entry.Findings.Add(finding.Variant is null ? finding.Kind : $"{finding.Kind}/{finding.Variant}");
    }

    /// <summary>The servers worth checking, in a stable order.</summary>
    public IEnumerable<PassiveObservation> Observations() =>
        _servers
            .OrderBy(s => s.Key.Protocol, StringComparer.Ordinal).ThenBy(s => s.Key.Server, StringComparer.Ordinal)
            .Select(s => new PassiveObservation(s.Key.Protocol, s.Key.Server, s.Value.ServerName, s.Value.Sessions,
                [.. s.Value.Findings], s.Value.Refused, [.. s.Value.Certs], [.. s.Value.SessionIds])
            {
                LackedSessions = s.Value.Lacked,
                TlsSessions = s.Value.Tls,
                Greetings = [.. s.Value.Greetings],
                CapabilityLists = [.. s.Value.CapabilityLists],
                TlsVersions = [.. s.Value.TlsVersions],
                TlsChoices = [.. s.Value.TlsChoices.Values],
                ServerTcp = [.. s.Value.ServerTcp.Values],
            })
            .Where(o => o.WorthChecking);

    private Entry? EntryFor(string protocol, string server)
    {
        if (_servers.TryGetValue((protocol, server), out var entry))
            return entry;
        if (_servers.Count >= MaxServers)
            return null;
        return _servers[(protocol, server)] = new Entry();
    }

    private sealed class Entry
    {
        public int Sessions;
        public string? ServerName;
        public bool Refused;
        public int Lacked;
        public int Tls;
        public readonly SortedSet<string> Greetings = new(StringComparer.Ordinal);
        public readonly SortedSet<string> CapabilityLists = new(StringComparer.Ordinal);
        public readonly SortedSet<string> TlsVersions = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, TlsChoice> TlsChoices = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, TcpTraitsRecord> ServerTcp = new(StringComparer.Ordinal);
        public readonly SortedSet<string> Findings = new(StringComparer.Ordinal);
        public readonly SortedSet<string> Certs = new(StringComparer.Ordinal);
        public readonly List<string> SessionIds = [];
    }
}
