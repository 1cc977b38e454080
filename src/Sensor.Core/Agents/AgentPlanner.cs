using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Agents;

/// <summary>One server an agent will probe at a pinned address, or a result known before connecting.</summary>
public sealed record AgentPlan(ProbeTarget Target, IPAddress? Address, string? MailDomain, int? Preference, ProbeResult? Known = null);

/// <summary>
/// Resolves what a request names to addresses BEFORE anything connects, so the agent's target
/// policy sees every address (a public name pointing at 127.0.0.1 is refused like 127.0.0.1) and the
/// probe then connects to exactly the address that was checked (the target is pinned: no second
/// lookup that a rebinding DNS server could answer differently). Mail domains go through MX in
/// preference order, else their own A/AAAA (RFC 5321 §5.1); a null MX is a "no-mail" result.
/// </summary>
public static class AgentPlanner
{
    public static async Task<IReadOnlyList<AgentPlan>> PlanAsync(ProbeTarget target, ProbeOptions options, CancellationToken token)
    {
        if (target.Address is { } pinned)
            return [new(target, pinned, null, null)];
        if (IPAddress.TryParse(target.Host, out var literal))
            return [new(target with { Address = literal }, literal, null, null)];
        var dns = new MailDns(options.Resolver, options.DnsTimeout);
        if (!target.IsMailDomain)
        {
            var (addresses, error, outcome) = options.Resolver is null ? await SystemAddressesAsync(target.Host, options, token) : await DnsAddressesAsync(target.Host, dns, token);
            return error is not null ? [Failed(target, outcome, error)] : [.. addresses.Select(a => new AgentPlan(target with { Address = a }, a, null, null))];
        }
        var domain = target.Host.TrimEnd('.');
        var mx = await dns.QueryAsync(domain, QueryType.MX, token);
        if (mx.Kind == DnsAnswerKind.Timeout)
            return [Failed(target, ProbeOutcome.Timeout, mx.Error!, domain)];
        if (mx.Kind is not (DnsAnswerKind.Records or DnsAnswerKind.NoData))
            return [Failed(target, ProbeOutcome.Unresolvable, mx.Error!, domain)];
        var records = mx.Records.OfType<MxRecord>().ToList();
        if (records.Count == 1 && records[0].Exchange.Value.TrimEnd('.').Length == 0)
            return [Failed(target, ProbeOutcome.NoMail, $"{domain} publishes a null MX (RFC 7505): it accepts no mail", domain)];
        if (records.Count == 0)
        {
            var (own, error, outcome) = await DnsAddressesAsync(domain, dns, token);
            return error is not null ? [Failed(target, outcome, $"{domain} has no MX; {error}", domain)]
                : [.. own.Select(a => new AgentPlan(target with { Host = domain, Address = a }, a, domain, null))];
        }
        var ordered = records.Where(r => r.Exchange.Value.TrimEnd('.').Length > 0)
            .OrderBy(r => r.Preference).ThenBy(r => r.Exchange.Value, StringComparer.OrdinalIgnoreCase)
            .Select(r => (Host: r.Exchange.Value.TrimEnd('.'), Preference: (int)r.Preference))
            .DistinctBy(r => r.Host.ToLowerInvariant()).ToList();
        var plan = new List<AgentPlan>();
        foreach (var (host, preference) in ordered)
        {
            var (addresses, error, outcome) = await DnsAddressesAsync(host, dns, token);
            var mxTarget = target with { Host = host };
            if (error is not null)
                plan.Add(Failed(mxTarget, outcome, $"MX {host} (preference {preference}) of {domain}: {error}", domain, preference));
            else
                plan.AddRange(addresses.Select(a => new AgentPlan(mxTarget with { Address = a }, a, domain, preference)));
        }
        return plan;
    }

    /// <summary>A result made without connecting (DNS failure, refusal by policy or rate limit).</summary>
    public static ProbeResult Result(ProbeTarget target, IPAddress? address, string outcome, string error, string? domain = null, int? preference = null) => new()
    {
        Target = target,
        Server = address is null ? null : MailProbe.Endpoint(address, target.Port),
        MailDomain = domain,
        MxPreference = preference,
        Outcome = outcome,
        Error = error,
        Dane = DaneCheck.NotChecked("not checked: no server was probed"),
        MtaSts = MtaStsCheck.NotChecked("not checked: no server was probed"),
    };

    private static AgentPlan Failed(ProbeTarget target, string outcome, string error, string? domain = null, int? preference = null) =>
        new(target, null, domain, preference, Result(target, null, outcome, error, domain, preference));

    private static async Task<(IReadOnlyList<IPAddress>, string?, string)> DnsAddressesAsync(string host, MailDns dns, CancellationToken token)
    {
        var (addresses, a, aaaa) = await dns.AddressesAsync(host, token);
        if (addresses.Count > 0)
            return (addresses, null, ProbeOutcome.Ok);
        if (a.Kind == DnsAnswerKind.Timeout || aaaa.Kind == DnsAnswerKind.Timeout)
            return ([], (a.Kind == DnsAnswerKind.Timeout ? a : aaaa).Error, ProbeOutcome.Timeout);
        return ([], a.Error ?? aaaa.Error ?? $"{host}: no A or AAAA record", ProbeOutcome.Unresolvable);
    }

    private static async Task<(IReadOnlyList<IPAddress>, string?, string)> SystemAddressesAsync(string host, ProbeOptions options, CancellationToken token)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(options.ConnectTimeout);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cts.Token);
            return addresses.Length == 0 ? ([], $"{host}: no address", ProbeOutcome.Unresolvable) : (addresses.Distinct().ToList(), null, ProbeOutcome.Ok);
        }
        catch (SocketException e)
        {
            return ([], $"cannot resolve {host}: {e.Message}", ProbeOutcome.Unresolvable);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return ([], $"timeout resolving {host}", ProbeOutcome.Timeout);
        }
    }
}
