using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Sensor.Core.Probing.Dns;

/// <summary>DNSSEC status of one answer, from the AD bit of the resolver asked (the probe record's dane.dnssec, docs/output.md).</summary>
public static class DnssecStatus
{
    /// <summary>The resolver set AD: it validated the answer (or the denial).</summary>
    public const string Validated = "validated";
    /// <summary>An answer without AD: unsigned zone, or a resolver that does not validate.</summary>
    public const string Insecure = "insecure";
    /// <summary>SERVFAIL: what a validating resolver answers for bogus data (also a broken zone).</summary>
    public const string Bogus = "bogus";
    /// <summary>No answer (timeout, refused, network error).</summary>
    public const string Unknown = "unknown";

    /// <summary>The status an answer gives: AD decides validated; SERVFAIL reads as bogus; no answer is unknown.</summary>
    public static string Of(DnsAnswerKind kind, bool authenticData) => kind switch
    {
        DnsAnswerKind.Records or DnsAnswerKind.NoData or DnsAnswerKind.NxDomain => authenticData ? Validated : Insecure,
        DnsAnswerKind.ServFail => Bogus,
        _ => Unknown,
    };
}

public enum DnsAnswerKind { Records, NoData, NxDomain, ServFail, Refused, Timeout, Error }

/// <summary>One DNS answer: its kind, the AD bit, the records of the type asked, and a one-line error.</summary>
public sealed record DnsAnswer(DnsAnswerKind Kind, bool AuthenticData, IReadOnlyList<DnsResourceRecord> Records, string? Error)
{
    public string Dnssec => DnssecStatus.Of(Kind, AuthenticData);
}

/// <summary>
/// DNS for the probe through DnsClient: one resolver (the one given with --resolver, or the
/// system's name servers when none was given), no cache, no retries, the DO bit set so a validating
/// resolver reports its verdict in AD (DnsClient sends no separate AD request bit; RFC 6840 §5.7
/// lets DO stand for it). Every query is bounded by <see cref="Timeout"/>; failures are answers, never exceptions.
/// </summary>
public sealed class MailDns
{
    private readonly LookupClient _client;

    public TimeSpan Timeout { get; }
    public string Resolver { get; }

    public MailDns(IPEndPoint? resolver, TimeSpan timeout)
    {
        var options = resolver is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(resolver));
        options.UseCache = false;
        options.Timeout = timeout;
        options.Retries = 0;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.UseTcpFallback = true;
        options.RequestDnsSecRecords = true;
        _client = new LookupClient(options);
        Timeout = timeout;
        // the system's resolvers by address too: "NXDOMAIN from 10.0.0.1:53" says whose answer it was
        var servers = string.Join(", ", _client.NameServers.Select(n => MailProbe.Endpoint(IPAddress.Parse(n.Address), n.Port)));
        Resolver = servers.Length > 0 ? servers : "the system resolver";
    }

    /// <summary>Parses IP or IP:PORT or [v6]:PORT (port 53 when absent). Throws <see cref="FormatException"/>.</summary>
    public static IPEndPoint ParseResolver(string text)
    {
        var error = new FormatException($"--resolver takes IP, IP:PORT or [IPv6]:PORT, not '{text}'");
        string host = text, port = "53";
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
                throw error;
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
                port = rest.StartsWith(':') ? rest[1..] : throw error;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            (host, port) = (text[..text.IndexOf(':')], text[(text.IndexOf(':') + 1)..]);
        }
        if (!IPAddress.TryParse(host, out var address) || !int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            throw error;
        return new IPEndPoint(address, number);
    }

    public async Task<DnsAnswer> QueryAsync(string name, QueryType type, CancellationToken token)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(Timeout + TimeSpan.FromMilliseconds(500));
        var what = $"{type} {name}";
        try
        {
            var response = await _client.QueryAsync(name, type, QueryClass.IN, cts.Token);
            var ad = response.Header.IsAuthenticData;
            var records = response.Answers.Where(r => r.RecordType == (ResourceRecordType)(int)type).ToList();
            return response.Header.ResponseCode switch
            {
                DnsHeaderResponseCode.NoError => new DnsAnswer(records.Count > 0 ? DnsAnswerKind.Records : DnsAnswerKind.NoData, ad, records, null),
                DnsHeaderResponseCode.NotExistentDomain => new DnsAnswer(DnsAnswerKind.NxDomain, ad, [], CouldNotLookUp(name, $"NXDOMAIN from {Resolver}")),
                DnsHeaderResponseCode.ServerFailure => new DnsAnswer(DnsAnswerKind.ServFail, false, [], CouldNotLookUp(what, $"SERVFAIL from {Resolver}: DNSSEC bogus or zone unreachable")),
                DnsHeaderResponseCode.Refused => new DnsAnswer(DnsAnswerKind.Refused, false, [], CouldNotLookUp(what, $"REFUSED from {Resolver}")),
                var code => new DnsAnswer(DnsAnswerKind.Error, false, [], CouldNotLookUp(what, $"{code} from {Resolver}")),
            };
        }
        catch (DnsResponseException e) when (e.Code == DnsResponseCode.ConnectionTimeout)
        {
            return TimedOut(what);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return TimedOut(what);
        }
        catch (DnsResponseException e)
        {
            return new DnsAnswer(DnsAnswerKind.Error, false, [], CouldNotLookUp(what, $"{e.Message}, asking {Resolver}"));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return new DnsAnswer(DnsAnswerKind.Error, false, [], CouldNotLookUp(what, $"{e.Message}, asking {Resolver}"));
        }
    }

    /// <summary>
    /// The one form of a failed lookup, "could not look up NAME (WHY from RESOLVER)", so a reader (and
    /// <see cref="IsDenial"/>) tells a DNS failure from a port that does not answer.
    /// </summary>
    public static string CouldNotLookUp(string what, string why) => $"could not look up {what} ({why})";

    /// <summary>The error a name with no address gets: the resolver answered, with nothing.</summary>
    public string NoAddress(string host) => CouldNotLookUp(host, $"no A or AAAA record from {Resolver}");

    /// <summary>
    /// Whether a lookup error says the resolver denied the name (NXDOMAIN, or an answer with no address),
    /// rather than failing to answer (SERVFAIL, REFUSED, a timeout).
    /// </summary>
    public static bool IsDenial(string error) =>
        error.Contains("could not look up", StringComparison.Ordinal)
        && (error.Contains("(NXDOMAIN from ", StringComparison.Ordinal) || error.Contains("(no A or AAAA record from ", StringComparison.Ordinal));

    /// <summary>A and AAAA of a host, A first; the answer kind is the A query's unless only AAAA had records.</summary>
    public async Task<(IReadOnlyList<IPAddress> Addresses, DnsAnswer A, DnsAnswer Aaaa)> AddressesAsync(string host, CancellationToken token)
    {
        var a = QueryAsync(host, QueryType.A, token);
        var aaaa = QueryAsync(host, QueryType.AAAA, token);
        var (four, six) = (await a, await aaaa);
        IReadOnlyList<IPAddress> addresses = [.. four.Records.OfType<ARecord>().Select(r => r.Address), .. six.Records.OfType<AaaaRecord>().Select(r => r.Address)];
        return (addresses.Distinct().ToList(), four, six);
    }

    /// <summary>The text of TXT records, each record's strings concatenated (RFC 8461 §3.1, RFC 8460 §3).</summary>
    public static IEnumerable<string> TxtTexts(DnsAnswer answer) =>
        answer.Records.OfType<TxtRecord>().Select(r => string.Concat(r.Text));

    private DnsAnswer TimedOut(string what) =>
        new(DnsAnswerKind.Timeout, false, [], CouldNotLookUp(what, $"timeout: no answer from {Resolver} within {ProbeConnection.Seconds(Timeout)}"));
}
