namespace Sensor.Core.Probing;

/// <summary>
/// What one connection of a repeated probe saw ("attempts" of a probe record): enough to tell a
/// server that answers differently from one connection to the next (a load-balanced MX, a flaky
/// middlebox in front of it) from one that always answers the same.
/// </summary>
public sealed class ProbeAttempt
{
    public string Outcome { get; set; } = ProbeOutcome.Ok;
    public string? Error { get; set; }
    public string? Banner { get; set; }
    public string? ServerName { get; set; }
    public List<string> Capabilities { get; set; } = [];
    public bool StarttlsOffered { get; set; }
    public bool TlsEstablished { get; set; }
    public string? TlsVersion { get; set; }
    public string? TlsCipher { get; set; }
    public string? CertSha256 { get; set; }
    /// <summary>What this connection's SYN/ACK showed of the answering host's TCP/IP stack (see <see cref="Output.TcpTraitsRecord"/>).</summary>
    public Output.TcpTraitsRecord? ServerTcp { get; set; }

    public static ProbeAttempt Of(ProbeResult result) => new()
    {
        Outcome = result.Outcome,
        Error = result.Error,
        Banner = result.Banner,
        ServerName = result.ServerName,
        Capabilities = result.Capabilities,
        StarttlsOffered = result.StartTlsOffered,
        TlsEstablished = result.TlsEstablished,
        TlsVersion = result.Tls?.Version,
        TlsCipher = result.Tls?.CipherSuite,
        CertSha256 = result.Tls?.CertSha256,
        ServerTcp = result.ServerTcp,
    };
}
