using System.Net;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Socks;

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

/// <summary>
/// Probes through a SOCKS5 proxy (`--via socks5://HOST:PORT`, `--via tor`): the proxy's exit is the
/// vantage, named by the proxy's URL. A proxy that cannot be used at all is an unavailable vantage.
/// </summary>
public sealed class SocksVantage(SocksProxy proxy, ProbeOptions options) : IProbeVantage
{
    public string Name => proxy.Name;

    public async Task<IReadOnlyList<ProbeRecord>> ProbeAsync(ServerToProbe server, CancellationToken token)
    {
        var records = await RunAsync([server.ToTarget()], options, [proxy], token);
        if (records.All(r => r.Outcome == ProbeOutcome.VantageUnavailable))
            throw new InvalidOperationException(records.FirstOrDefault()?.Error ?? $"SOCKS proxy {proxy.Name} gave no answer");
        return records;
    }

    /// <summary>The targets probed through each proxy at once (no enumeration: a dozen more connections through someone else's exit), records named by each proxy's URL.</summary>
    public static async Task<List<ProbeRecord>> RunAsync(IReadOnlyList<ProbeTarget> targets, ProbeOptions options, IReadOnlyList<SocksProxy> proxies, CancellationToken token)
    {
        var runs = proxies.Select(async p => (await ProbeBatch.RunAsync(targets, options with { Proxy = p, Enumerate = false }, ProbeBatch.DefaultConcurrency, token))
            .Select(r => ProbeRecord.From(r, p.Name)));
        return [.. (await Task.WhenAll(runs)).SelectMany(r => r)];
    }
}
