namespace Sensor.Core.Probing;

/// <summary>
/// Bounds of one probe: a timeout per step (patient on the greeting: some MTAs wait 15 s and more
/// before it), a cap on the whole probe, and caps on what a server may send.
/// </summary>
public sealed record ProbeOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan GreetingTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Resolver asked for MX, A/AAAA, TLSA and TXT (--resolver); null: the system's name servers.</summary>
    public System.Net.IPEndPoint? Resolver { get; init; }

    /// <summary>
    /// Probe through this SOCKS5 proxy (--via socks5://, --via tor) instead of connecting from here; host
    /// names go to the proxy unresolved, and DANE and MTA-STS are not checked (their DNS would be here's).
    /// </summary>
    public Socks.SocksProxy? Proxy { get; init; }

    /// <summary>Bound on one DNS query.</summary>
    public TimeSpan DnsTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How the MTA-STS policy is fetched over HTTPS (port, certificate validation for tests).</summary>
    public Dns.MtaStsFetchSettings MtaSts { get; init; } = new();

    /// <summary>Longest line accepted (RFC 5321 allows 512 for a reply line; servers send more in practice).</summary>
    public int MaxLineBytes { get; init; } = 8 * 1024;

    /// <summary>Most bytes accepted for one reply (banner, EHLO, CAPABILITY, CAPA).</summary>
    public int MaxReplyBytes { get; init; } = 64 * 1024;

    /// <summary>After the probe, enumerate the versions and cipher classes accepted (--enumerate): about a dozen more connections.</summary>
    public bool Enumerate { get; init; }

    /// <summary>The trust store certificates are checked against; tests give their own.</summary>
    public Trust.SystemTrust Trust { get; init; } = Sensor.Core.Probing.Trust.SystemTrust.Default;

    /// <summary>
    /// Connections made to each address (the first one's result is the probe's; each is kept in
    /// <see cref="ProbeResult.Attempts"/>): more than one shows a server that varies between connections.
    /// </summary>
    public int Attempts { get; init; } = 1;

    /// <summary>The most connections one probe makes to one address.</summary>
    public const int MaxAttempts = 10;

    /// <summary>Name given in EHLO.</summary>
    public string EhloName { get; init; } = "sensor.invalid";

    public static ProbeOptions Default { get; } = new();

    /// <summary>Every step bounded by <paramref name="step"/>; the whole probe by five steps.</summary>
    public static ProbeOptions WithStepTimeout(TimeSpan step) => new()
    {
        ConnectTimeout = step,
        GreetingTimeout = step,
        ReplyTimeout = step,
        HandshakeTimeout = step,
        DnsTimeout = step,
        TotalTimeout = step * 5,
    };
}
