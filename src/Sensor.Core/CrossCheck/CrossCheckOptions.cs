namespace Sensor.Core.CrossCheck;

/// <summary>
/// Which probe results count: not older than <see cref="MaxAge"/> and not from an excluded vantage.
/// Probes from a <see cref="SamePathVantages"/> vantage (the sensor's own network, "local" unless
/// configured) are reported but do not settle a verdict: they cross the same path as the capture,
/// so they show what the path does now, not what the server does.
/// </summary>
public sealed record CrossCheckOptions
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(7);

    /// <summary>The vantage name the passive side itself would use: its records say nothing independent.</summary>
    public const string PassiveVantage = "passive";

    public TimeSpan MaxAge { get; init; } = DefaultMaxAge;
    public IReadOnlySet<string> ExcludedVantages { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { PassiveVantage };

    /// <summary>The vantage name of probes made from the sensor's own network (sensor probe's default).</summary>
    public const string LocalVantage = "local";

    public IReadOnlySet<string> SamePathVantages { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { LocalVantage };

    public static CrossCheckOptions Default { get; } = new();
}

/// <summary>The verdict names of the "verdict" record (docs/output.md).</summary>
public static class Verdicts
{
    public const string InterferenceOnPath = "interference-on-path";
    public const string CertificateSubstituted = "certificate-substituted";
    public const string ServerLacksTls = "server-lacks-tls";
    public const string Inconclusive = "inconclusive";
}

/// <summary>Where probe results for a server come from (the store; later, agents asked on the fly).</summary>
public interface IProbeHistory
{
    /// <summary>Probe records filed under this endpoint ("ip:port"), or under this host name for this protocol.</summary>
    IEnumerable<Output.ProbeRecord> ProbesFor(string protocol, string server, string? serverName);
}

/// <summary>
/// What a replay needs to cross-check: the probe results, a clock and the options; with
/// <paramref name="OnTheFly"/>, servers are also probed now, and <paramref name="KeepProbes"/> stores what they answered.
/// </summary>
public sealed record CrossCheckSetup(IProbeHistory Probes, TimeProvider Clock, CrossCheckOptions Options,
    OnTheFlyProber? OnTheFly = null, Action<IReadOnlyList<Output.ProbeRecord>>? KeepProbes = null);

/// <summary>No stored probe results (replay with --no-db).</summary>
public sealed class NoProbeHistory : IProbeHistory
{
    public static NoProbeHistory Instance { get; } = new();
    public IEnumerable<Output.ProbeRecord> ProbesFor(string protocol, string server, string? serverName) => [];
}
