using Sensor.Core.Detection;

namespace Sensor.Core.CrossCheck;

/// <summary>What the capture saw of one server: its STARTTLS findings (kind or kind/variant), refusals and certificates.</summary>
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
    /// <summary>The capture saw STARTTLS absent, stripped in any way, or refused.</summary>
    public bool LackedStartTls =>
        StartTlsRefused || Findings.Any(f => f == FindingKinds.StartTlsAbsent || f.StartsWith(FindingKinds.StartTlsStripped, StringComparison.Ordinal));

    /// <summary>Worth asking the probes about: a STARTTLS problem or a certificate to compare.</summary>
    public bool WorthChecking => LackedStartTls || CertSha256.Count > 0;
}
