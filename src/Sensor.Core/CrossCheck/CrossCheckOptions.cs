namespace Sensor.Core.CrossCheck;

/// <summary>Which probe results count: not older than <see cref="MaxAge"/> and not from an excluded vantage.</summary>
public sealed record CrossCheckOptions
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(7);

    /// <summary>The vantage name the passive side itself would use: its records say nothing independent.</summary>
    public const string PassiveVantage = "passive";

    public TimeSpan MaxAge { get; init; } = DefaultMaxAge;
    public IReadOnlySet<string> ExcludedVantages { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { PassiveVantage };

    public static CrossCheckOptions Default { get; } = new();
}

/// <summary>The verdict names of DESIGN.md.</summary>
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

/// <summary>What a replay needs to cross-check: the probe results, a clock and the options.</summary>
public sealed record CrossCheckSetup(IProbeHistory Probes, TimeProvider Clock, CrossCheckOptions Options);
