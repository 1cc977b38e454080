using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Probing;

/// <summary>How a probe ended. A failed probe is a result: the error says exactly what happened.</summary>
public static class ProbeOutcome
{
    public const string Ok = "ok";
    public const string StartTlsAbsent = "starttls-absent";
    public const string StartTlsRefused = "starttls-refused";
    public const string TlsFailed = "tls-failed";
    public const string Unreachable = "unreachable";
    public const string Timeout = "timeout";
    public const string ProtocolError = "protocol-error";
    /// <summary>The name did not resolve (NXDOMAIN, no MX and no address, SERVFAIL): the error says which.</summary>
    public const string Unresolvable = "unresolvable";
    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail. A result, not a failure.</summary>
    public const string NoMail = "no-mail";
    /// <summary>The vantage itself could not be used (an agent that does not answer, a SOCKS proxy that cannot be reached): nothing was learned of the server.</summary>
    public const string VantageUnavailable = "vantage-unavailable";
}

/// <summary>What one probe of one server learned, up to where it stopped.</summary>
public sealed class ProbeResult
{
    public required ProbeTarget Target { get; init; }
    public DateTime StartedUtc { get; init; } = DateTime.UtcNow;
    public TimeSpan Elapsed { get; set; }
    /// <summary>"ip:port" of the address connected to (null before an address was known).</summary>
    public string? Server { get; set; }
    /// <summary>Through a SOCKS proxy: the address the proxy connected from, when it said (RFC 1928 §6 BND.ADDR); else null.</summary>
    public string? Exit { get; set; }
    /// <summary>What the connection's SYN/ACK (or TCP_INFO) showed of the answering host's TCP/IP stack; null through a proxy or off Linux.</summary>
    public Output.TcpTraitsRecord? ServerTcp { get; set; }
    public string? Banner { get; set; }
    public string? ServerName { get; set; }
    public List<string> Capabilities { get; set; } = [];
    public bool StartTlsOffered { get; set; }
    public bool StartTlsAttempted { get; set; }
    /// <summary>The server's answer to STARTTLS/STLS, verbatim.</summary>
    public string? StartTlsReply { get; set; }
    public TlsFacts? Tls { get; set; }
    public Grade? Grade { get; set; }
    /// <summary>"negotiated-only", or "enumerated" when <see cref="Enumeration"/> ran and the grade used it.</summary>
    public string GradeBasis { get; set; } = Grading.Basis;
    /// <summary>Versions and cipher classes accepted (with --enumerate); null when not asked or TLS was not reached.</summary>
    public Enumeration.EnumerationResult? Enumeration { get; set; }
    /// <summary>The mail domain whose MX (or implicit MX) this server is; null for host and address targets.</summary>
    public string? MailDomain { get; set; }
    /// <summary>The MX preference of this server; null for an implicit MX (RFC 5321 §5.1) and for host targets.</summary>
    public int? MxPreference { get; set; }
    public DaneCheck Dane { get; set; } = DaneCheck.NotChecked("not checked: no host name (address target)");
    public MtaStsCheck MtaSts { get; set; } = MtaStsCheck.NotChecked("not checked: not a mail domain on port 25");
    public string Outcome { get; set; } = ProbeOutcome.Ok;
    public string? Error { get; set; }
    /// <summary>Every connection of a repeated probe (<see cref="ProbeOptions.Attempts"/> above 1), the first included; null for a single one.</summary>
    public List<ProbeAttempt>? Attempts { get; set; }
    /// <summary>Where on the path the answer without STARTTLS first appears (--locate); null when not asked.</summary>
    public Locate.LocatedPath? Locate { get; set; }

    public bool TlsEstablished => Tls is not null;

    internal void Fail(string outcome, string error)
    {
        Outcome = outcome;
        Error = error;
    }
}

/// <summary>
/// What a completed TLS handshake showed; <see cref="SentChainDer"/> are the certificates the server sent after its leaf, in its order;
/// <see cref="OfferedCiphers"/> the cipher suites the probe's ClientHello offered, in order (IANA names).
/// </summary>
public sealed record TlsFacts(
    string Version,
    string CipherSuite,
    KeyExchange KeyExchange,
    int CipherBits,
    string CertSha256,
    string SpkiSha256,
    string CertSubject,
    string CertIssuer,
    DateTime CertNotBefore,
    DateTime CertNotAfter,
    string CertKeyAlgorithm,
    int CertKeyBits,
    bool CertTrusted,
    string? CertTrustError,
    bool NameMatch,
    byte[]? CertificateDer = null,
    IReadOnlyList<byte[]>? SentChainDer = null,
    IReadOnlyList<string>? OfferedCiphers = null);
