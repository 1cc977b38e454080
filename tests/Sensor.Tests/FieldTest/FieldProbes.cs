using Sensor.Core.Output;

namespace Sensor.Tests.FieldTest;

/// <summary>Probe records shaped like `sensor probe --json` writes them, for the field-test judgement.</summary>
internal static class FieldProbes
{
    public const string CertA = "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11";
    public const string CertB = "bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22";

    /// <summary>What every probe of example.org from <paramref name="vantage"/> has: time, target, address, port, protocol.</summary>
    private static ProbeRecord Base(string vantage, int port, string protocol, string outcome, string? banner = "220 mx.example.org ESMTP") => new()
    {
        Vantage = vantage,
        Ts = "2026-11-28T10:00:00.000000Z",
        Target = $"example.org:{port}",
        Server = $"192.0.2.10:{port}",
        ServerName = banner is null ? null : "mx.example.org",
        Protocol = protocol,
        Port = port,
        Banner = banner,
        Outcome = outcome,
    };

    public static ProbeRecord Ok(string vantage, int port = 25, string protocol = "smtp", string version = "TLSv1.3", string cert = CertA,
        bool trusted = false, bool nameMatch = true, bool implicitTls = false, string banner = "220 mx.example.org ESMTP")
    {
        var p = Base(vantage, port, protocol, "ok", banner);
        p.ImplicitTls = implicitTls;
        p.StarttlsOffered = p.StarttlsAttempted = !implicitTls;
        p.TlsEstablished = true;
        p.TlsVersion = version;
        p.TlsCipher = "TLS_AES_256_GCM_SHA384";
        p.CertSha256 = cert;
        p.CertTrusted = trusted;
        p.NameMatch = nameMatch;
        p.Score = 93;
        p.Grade = "A";
        return p;
    }

    public static ProbeRecord Absent(string vantage, int port = 25, string protocol = "smtp", string banner = "220 mx.example.org ESMTP")
    {
        var p = Base(vantage, port, protocol, "starttls-absent", banner);
        p.Error = "the server did not offer STARTTLS";
        return p;
    }

    public static ProbeRecord Refused(string vantage, int port = 25) =>
        Attempted(vantage, port, "starttls-refused", "454 4.7.0 TLS not available due to local problem", "STARTTLS refused: 454 4.7.0 TLS not available due to local problem");

    public static ProbeRecord TlsFailed(string vantage, int port = 25) =>
        Attempted(vantage, port, "tls-failed", "220 2.0.0 Ready to start TLS", "TLS handshake failed: connection closed");

    private static ProbeRecord Attempted(string vantage, int port, string outcome, string reply, string error)
    {
        var p = Base(vantage, port, "smtp", outcome);
        p.StarttlsOffered = p.StarttlsAttempted = true;
        p.StarttlsReply = reply;
        p.Error = error;
        return p;
    }

    public static ProbeRecord Unreachable(string vantage, int port = 25, string protocol = "smtp", string outcome = "unreachable")
    {
        var p = Base(vantage, port, protocol, outcome, banner: null);
        p.Error = outcome == "timeout" ? "timeout connecting (10 s)" : "connection refused";
        return p;
    }

    public static ProbeRecord Garbled(string vantage, int port = 25)
    {
        var p = Base(vantage, port, "smtp", "protocol-error", "HTTP/1.0 400 Bad Request");
        p.ServerName = null;
        p.Error = "unexpected greeting";
        return p;
    }
}
