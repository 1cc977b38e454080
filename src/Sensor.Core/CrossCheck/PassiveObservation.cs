using Sensor.Core.Detection;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// What the capture saw of one server: its STARTTLS findings (kind or kind/variant), refusals and
/// certificates; how many sessions lacked STARTTLS and how many completed TLS; and the answering
/// host's traits (greetings with digits masked, SMTP EHLO lists, TLS versions and choices, TCP/IP traits; see <see cref="AnswerTraits"/>).
/// </summary>
public sealed record PassiveObservation(
    string Protocol,
    string Server,
    string? ServerName,
    int Sessions,
    IReadOnlyList<string> Findings,
    bool StartTlsRefused,
    IReadOnlyList<string> CertSha256,
    IReadOnlyList<string> SessionIds)
{
    /// <summary>Sessions that lacked STARTTLS where it belonged (absent, stripped or refused).</summary>
    public int LackedSessions { get; init; }

    /// <summary>Sessions that completed TLS after STARTTLS.</summary>
    public int TlsSessions { get; init; }

    public IReadOnlyList<string> Greetings { get; init; } = [];
    public IReadOnlyList<string> CapabilityLists { get; init; } = [];
    public IReadOnlyList<string> TlsVersions { get; init; } = [];

    /// <summary>What the server chose for each distinct ClientHello seen (<see cref="TlsChoice"/>).</summary>
    public IReadOnlyList<TlsChoice> TlsChoices { get; init; } = [];

    /// <summary>The distinct TCP/IP traits the server's SYN/ACKs showed (<see cref="TcpTraitsComparison"/>).</summary>
    public IReadOnlyList<Output.TcpTraitsRecord> ServerTcp { get; init; } = [];

    /// <summary>Every session lacked STARTTLS, some did while others completed TLS, or none did.</summary>
    public CaptureStartTls StartTls => !LackedStartTls ? CaptureStartTls.Present : TlsSessions > 0 ? CaptureStartTls.Mixed : CaptureStartTls.Lacked;

    /// <summary>The capture saw STARTTLS absent, stripped in any way, or refused.</summary>
    public bool LackedStartTls =>
        StartTlsRefused || Findings.Any(f => f == FindingKinds.StartTlsAbsent || f.StartsWith(FindingKinds.StartTlsStripped, StringComparison.Ordinal));

    /// <summary>Worth asking the probes about: a STARTTLS problem, a certificate or a greeting to compare.</summary>
    public bool WorthChecking => LackedStartTls || CertSha256.Count > 0 || Greetings.Count > 0;
}
