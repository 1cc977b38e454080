using System.Net;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Agents;

/// <summary>
/// Resolves what a request names to addresses BEFORE anything connects (through the prober's own
/// <see cref="ProbePlanner"/>), so the agent's target policy sees every address (a public name
/// pointing at 127.0.0.1 is refused like 127.0.0.1), and pins each target to the address that was
/// checked: the probe makes no second lookup that a rebinding DNS server could answer differently.
/// </summary>
public static class AgentPlanner
{
    public static async Task<IReadOnlyList<ProbePlan>> PlanAsync(ProbeTarget target, Lazy<MailDns> dns, ProbeOptions options, CancellationToken token)
    {
        var plans = await ProbePlanner.PlanAsync(target, dns, options, token);
        return [.. plans.Select(p => p.Address is null ? p : p with { Target = p.Target with { Address = p.Address } })];
    }

    /// <summary>A result made without connecting (refusal by policy or rate limit, a request out of time).</summary>
    public static ProbeResult Result(ProbeTarget target, IPAddress? address, string outcome, string error, string? domain = null, int? preference = null) =>
        ProbePlanner.FailedResult(target, address, outcome, error, domain, preference);
}
