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
}

/// <summary>What one probe of one server learned, up to where it stopped.</summary>
public sealed class ProbeResult
{
    public required ProbeTarget Target { get; init; }
    public DateTime StartedUtc { get; init; } = DateTime.UtcNow;
    public TimeSpan Elapsed { get; set; }
    /// <summary>"ip:port" of the address connected to (null before an address was known).</summary>
    public string? Server { get; set; }
    public string? Banner { get; set; }
    public string? ServerName { get; set; }
    public List<string> Capabilities { get; set; } = [];
    public bool StartTlsOffered { get; set; }
    public bool StartTlsAttempted { get; set; }
    /// <summary>The server's answer to STARTTLS/STLS, verbatim.</summary>
    public string? StartTlsReply { get; set; }
    public TlsFacts? Tls { get; set; }
    public Grade? Grade { get; set; }
    public string Outcome { get; set; } = ProbeOutcome.Ok;
    public string? Error { get; set; }

    public bool TlsEstablished => Tls is not null;

    internal void Fail(string outcome, string error)
    {
        Outcome = outcome;
        Error = error;
    }
}

/// <summary>What a completed TLS handshake showed.</summary>
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
    bool NameMatch);
