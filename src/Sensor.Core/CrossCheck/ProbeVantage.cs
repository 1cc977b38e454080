using System.Net;
using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.CrossCheck;

/// <summary>One server the capture saw, as the cross-check asks a vantage point to probe it: protocol and "ip:port".</summary>
public sealed record ServerToProbe(string Protocol, string Server)
{
    private static readonly HashSet<int> ImplicitTlsPorts = [465, 993, 995];

    public IPEndPoint Endpoint => IPEndPoint.Parse(Server);

    /// <summary>The probe target: the address as it is (no DNS), the port given, the protocol the capture spoke there.</summary>
    public ProbeTarget ToTarget()
    {
        var endpoint = Endpoint;
        var protocol = Enum.Parse<ProbeProtocol>(Protocol, ignoreCase: true);
        return new ProbeTarget(endpoint.Address.ToString(), endpoint.Port, protocol, ImplicitTlsPorts.Contains(endpoint.Port)) { PortGiven = true };
    }

    /// <summary>A record for a probe that gave no answer of its own (the vantage was unavailable, or the wait ran out).</summary>
    public ProbeRecord Unanswered(string vantage, DateTime nowUtc, string outcome, string error) => new()
    {
        Vantage = vantage,
        Ts = Rfc3339.Format(nowUtc),
        Target = Server,
        Server = Server,
        Protocol = Protocol,
        Port = Endpoint.Port,
        Outcome = outcome,
        Error = error,
    };
}

/// <summary>A place the cross-check can probe a server from now: here, or an agent elsewhere.</summary>
public interface IProbeVantage
{
    string Name { get; }

    /// <summary>
    /// The probe records of one server (a failed probe is a record too). Throws when the vantage
    /// itself cannot be reached (the message says why); honours the token.
    /// </summary>
    Task<IReadOnlyList<ProbeRecord>> ProbeAsync(ServerToProbe server, CancellationToken token);
}

/// <summary>Probes from the sensor's own network: they cross the same path as the capture (see <see cref="CrossCheckOptions.SamePathVantages"/>).</summary>
public sealed class LocalVantage(string name, ProbeOptions options) : IProbeVantage
{
    public string Name => name;

    public async Task<IReadOnlyList<ProbeRecord>> ProbeAsync(ServerToProbe server, CancellationToken token)
    {
        var results = await ProbeBatch.RunAsync([server.ToTarget()], options, 1, token);
        return [.. results.Select(r => ProbeRecord.From(r, name))];
    }
}
