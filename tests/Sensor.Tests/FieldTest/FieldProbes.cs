using Sensor.Core.Output;

namespace Sensor.Tests.FieldTest;

/// <summary>Probe records shaped like `sensor probe --json` writes them, for the field-test judgement.</summary>
internal static class FieldProbes
{
    public const string CertA = "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11";
    public const string CertB = "bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22";

    public static ProbeRecord Ok(string vantage, int port = 25, string protocol = "smtp", string version = "TLSv1.3", string cert = CertA,
        bool trusted = false, bool nameMatch = true, bool implicitTls = false, string banner = "220 mx.example.org ESMTP") => new()
    {
        Vantage = vantage,
        Ts = "2026-11-28T10:00:00.000000Z",
        Target = $"example.org:{port}",
        Server = $"192.0.2.10:{port}",
        ServerName = "mx.example.org",
        Protocol = protocol,
        Port = port,
        ImplicitTls = implicitTls,
        Banner = banner,
        StarttlsOffered = !implicitTls,
        StarttlsAttempted = !implicitTls,
        TlsEstablished = true,
        TlsVersion = version,
        TlsCipher = "TLS_AES_256_GCM_SHA384",
        CertSha256 = cert,
        CertTrusted = trusted,
        NameMatch = nameMatch,
        Score = 93,
        Grade = "A",
        Outcome = "ok",
    };

    public static ProbeRecord Absent(string vantage, int port = 25, string protocol = "smtp", string banner = "220 mx.example.org ESMTP") => new()
    {
        Vantage = vantage,
        Ts = "2026-11-28T10:00:00.000000Z",
        Target = $"example.org:{port}",
        Server = $"192.0.2.10:{port}",
        ServerName = "mx.example.org",
        Protocol = protocol,
        Port = port,
        Banner = banner,
        Outcome = "starttls-absent",
        Error = "the server did not offer STARTTLS",
    };

    public static ProbeRecord Refused(string vantage, int port = 25) => new()
    {
        Vantage = vantage,
        Ts = "2026-11-28T10:00:00.000000Z",
        Target = $"example.org:{port}",
        Server = $"192.0.2.10:{port}",
        ServerName = "mx.example.org",
        Protocol = "smtp",
        Port = port,
        Banner = "220 mx.example.org ESMTP",
        StarttlsOffered = true,
        StarttlsAttempted = true,
        StarttlsReply = "454 4.7.0 TLS not available due to local problem",
        Outcome = "starttls-refused",
        Error = "STARTTLS refused: 454 4.7.0 TLS not available due to local problem",
    };

    public static ProbeRecord TlsFailed(string vantage, int port = 25) => new()
    {
        Vantage = vantage,
        Ts = "2026-11-28T10:00:00.000000Z",
        Target = $"example.org:{port}",
        Server = $"192.0.2.10:{port}",
        ServerName = "mx.example.org",
        Protocol = "smtp",
        Port = port,
        Banner = "220 mx.example.org ESMTP",
        StarttlsOffered = true,
        StarttlsAttempted = true,
        StarttlsReply = "220 2.0.0 Ready to start TLS",
        Outcome = "tls-failed",
        Error = "TLS handshake failed: connection closed",
    };

    public static ProbeRecord Unreachable(string vantage, int port = 25, string protocol = "smtp", string outcome = "unreachable") => new()
    {
        Vantage = vantage,
        Ts = "2026-11-28T10:00:00.000000Z",
        Target = $"example.org:{port}",
        Server = $"192.0.2.10:{port}",
        Protocol = protocol,
        Port = port,
        Outcome = outcome,
        Error = outcome == "timeout" ? "timeout connecting (10 s)" : "connection refused",
    };

    public static ProbeRecord Garbled(string vantage, int port = 25) => new()
    {
        Vantage = vantage,
        Ts = "2026-11-28T10:00:00.000000Z",
        Target = $"example.org:{port}",
        Server = $"192.0.2.10:{port}",
        Protocol = "smtp",
        Port = port,
        Banner = "HTTP/1.0 400 Bad Request",
        Outcome = "protocol-error",
        Error = "unexpected greeting",
    };
}
