using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Protocols;
using Sensor.Core.Sessions;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// The cross-check of one run: looks up (once per server) the probe results, answers the detection
/// stage's question "does a probe from elsewhere say this server offers STARTTLS?", and at the end of
/// the capture turns each observed server into a verdict with <see cref="CrossCheckJudge"/>.
/// </summary>
public sealed class CrossChecker(CrossCheckSetup setup) : IProbeEvidence
{
    public const int MaxCachedServers = 10_000;

    private readonly Dictionary<(string, string, string?), List<ProbeRecord>> _cache = [];
    private readonly DateTime _now = setup.Clock.GetUtcNow().UtcDateTime;

    public PassiveCollector Passive { get; } = new();

    public string? WhyStartTlsExpected(MailSession session)
    {
        var consensus = ProbeConsensus.Of(ProbesFor(session.Protocol.ToWire(), session.ServerText, session.ServerName), _now, setup.Options);
        return consensus.SawStartTls ? consensus.LatestTlsEvidence() : null;
    }

    /// <summary>The verdicts for every server the capture saw with a STARTTLS problem or a certificate.</summary>
    public IEnumerable<VerdictRecord> Verdicts()
    {
        foreach (var observation in Passive.Observations())
            if (CrossCheckJudge.Decide(observation, ProbesFor(observation.Protocol, observation.Server, observation.ServerName), _now, setup.Options) is { } verdict)
                yield return verdict;
    }

    private List<ProbeRecord> ProbesFor(string protocol, string server, string? serverName)
    {
        var key = (protocol, server, serverName?.ToLowerInvariant());
        if (_cache.TryGetValue(key, out var probes))
            return probes;
        probes = [.. setup.Probes.ProbesFor(protocol, server, serverName)];
        if (_cache.Count < MaxCachedServers)
            _cache[key] = probes;
        return probes;
    }
}
