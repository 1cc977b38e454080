using NATS.Client.Core;
using Sensor.Core.CrossCheck;
using Sensor.Core.Output;

namespace Sensor.Core.Agents;

/// <summary>
/// The cross-check's view of one agent: a probe request for one server over NATS. An agent that
/// does not answer, or refuses the request as a whole, throws <see cref="AgentUnavailableException"/>
/// (the cross-check turns that into an unanswered record, hence "inconclusive", never a hang).
/// </summary>
public sealed class AgentVantage(INatsConnection nats, string agent, TimeSpan stepTimeout, int attempts = 1) : IProbeVantage
{
    public string Name => agent;

    public async Task<IReadOnlyList<ProbeRecord>> ProbeAsync(ServerToProbe server, CancellationToken token)
    {
        var request = new AgentRequest { Targets = [server.Server], Proto = server.Protocol, Timeout = stepTimeout.TotalSeconds, Attempts = attempts };
        var reply = await AgentBus.RequestAsync(nats, agent, request, WaitFor(stepTimeout, attempts), token);
        if (reply.Error is not null)
            throw new AgentUnavailableException($"agent {agent} refused the request: {reply.Error}");
        foreach (var record in reply.Records)
            record.Vantage = agent;
        return reply.Records;
    }

    /// <summary>The agent allows each connection five steps; a margin covers DNS and the trip through the bus.</summary>
    public static TimeSpan WaitFor(TimeSpan step, int attempts = 1) => TimeSpan.FromSeconds(Math.Min(step.TotalSeconds * 5 * attempts + 10, 300));
}
