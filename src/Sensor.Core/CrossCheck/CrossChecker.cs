using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Protocols;
using Sensor.Core.Sessions;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// The cross-check of one run: looks up (once per server) the probe results, answers the detection
/// stage's question "does a probe from elsewhere say this server offers STARTTLS?", and at the end of
/// the capture turns each observed server into a verdict with <see cref="CrossCheckJudge"/>. With
/// probing on the fly, each server the capture raises a question about is probed now (see
/// <see cref="OnTheFlyProber"/>), and <see cref="Settle"/> waits a bounded time for the answers
/// before the sessions that waited for the end of the capture are judged.
/// </summary>
public sealed class CrossChecker : IProbeEvidence
{
    public const int MaxCachedServers = 10_000;

    private readonly CrossCheckSetup _setup;
    // Live capture asks from every worker's sessions thread at once.
    private readonly Dictionary<(string, string, string?), List<ProbeRecord>> _cache = [];
    private readonly Lock _cacheGate = new();

    public CrossChecker(CrossCheckSetup setup)
    {
        _setup = setup;
        Passive = new PassiveCollector(setup.OnTheFly is null ? null : AskVantages);
    }

    public PassiveCollector Passive { get; }

    private DateTime Now => _setup.Clock.GetUtcNow().UtcDateTime;

    public string? WhyStartTlsExpected(MailSession session)
    {
        var consensus = ProbeConsensus.Of(ProbesFor(session.Protocol.ToWire(), session.ServerText, session.ServerName), Now, _setup.Options);
        return consensus.SawStartTls ? consensus.LatestTlsEvidence() : null;
    }

    /// <summary>End of the capture: waits (bounded) for the probes on the fly and stores what they answered.</summary>
    public void Settle()
    {
        if (_setup.OnTheFly is not { } prober)
            return;
        var answered = prober.Settle();
        if (answered.Count > 0)
            _setup.KeepProbes?.Invoke(answered);
    }

    /// <summary>The verdicts for every server the capture saw with a STARTTLS problem or a certificate.</summary>
    public IEnumerable<VerdictRecord> Verdicts()
    {
        foreach (var observation in Passive.Observations())
            if (CrossCheckJudge.Decide(observation, ProbesFor(observation.Protocol, observation.Server, observation.ServerName), Now, _setup.Options) is { } verdict)
                yield return verdict;
    }

    /// <summary>The passive side has a question about this server: ask the vantages, unless they answered within the TTL.</summary>
    private void AskVantages(string protocol, string server, string? serverName)
    {
        if (System.Net.IPEndPoint.TryParse(server, out _))
            _setup.OnTheFly!.Request(new ServerToProbe(protocol, server), StoredProbesFor(protocol, server, serverName));
    }

    /// <summary>Stored probes of the server, and the answers of the probes made on the fly (each record once).</summary>
    private IEnumerable<ProbeRecord> ProbesFor(string protocol, string server, string? serverName)
    {
        var stored = StoredProbesFor(protocol, server, serverName);
        if (_setup.OnTheFly is not { } prober)
            return stored;
        var seen = stored.Select(r => (r.Vantage, r.Server, r.Ts)).ToHashSet();
        return [.. stored, .. prober.ResultsFor(new ServerToProbe(protocol, server)).Where(r => seen.Add((r.Vantage, r.Server, r.Ts)))];
    }

    private List<ProbeRecord> StoredProbesFor(string protocol, string server, string? serverName)
    {
        var key = (protocol, server, serverName?.ToLowerInvariant());
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(key, out var probes))
                return probes;
            probes = [.. _setup.Probes.ProbesFor(protocol, server, serverName)];
            if (_cache.Count < MaxCachedServers)
                _cache[key] = probes;
            return probes;
        }
    }
}
