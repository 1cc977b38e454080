using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Probing;

/// <summary>One server to probe under a target, at a known address, or a result already known from DNS.</summary>
public sealed record ProbePlan(ProbeTarget Target, IPAddress? Address, string? MailDomain, int? Preference, ProbeResult? Known = null);

/// <summary>
/// What a target names, resolved before anything connects: an address as it is; a host through
/// its A/AAAA; a mail domain through its MX hosts in preference order, else its own A/AAAA
/// (RFC 5321 §5.1), and a null MX (RFC 7505) as the result "no-mail".
/// </summary>
public static class ProbePlanner
{
    public static async Task<IReadOnlyList<ProbePlan>> PlanAsync(ProbeTarget target, Lazy<MailDns> lazyDns, ProbeOptions options, CancellationToken token)
    {
        if (target.Address is { } pinned)
            return [new(target, pinned, null, null)];
        if (IPAddress.TryParse(target.Host, out var literal))
            return [new(target, literal, null, null)];
        // through a proxy a name is the proxy's to resolve (RFC 1928 ATYP 3): only the MX list comes from here
        if (options.Proxy is not null && !target.IsMailDomain)
            return [new(target, null, null, null)];
        var dns = lazyDns.Value;
        if (!target.IsMailDomain)
        {
            var (addresses, error, outcome) = options.Resolver is null ? await SystemAddressesAsync(target.Host, dns, options, token) : await DnsAddressesAsync(target.Host, dns, token);
            return error is not null ? [Failed(target, outcome, error)] : [.. addresses.Select(a => new ProbePlan(target, a, null, null))];
        }

        var domain = target.Host.TrimEnd('.');
        var mx = await dns.QueryAsync(domain, QueryType.MX, token);
        // a lookup that failed is "unresolvable" whatever the reason (the error names it): never a port that did not answer
        if (mx.Kind is DnsAnswerKind.Timeout or DnsAnswerKind.NxDomain or DnsAnswerKind.ServFail or DnsAnswerKind.Refused or DnsAnswerKind.Error)
            return [Failed(target, ProbeOutcome.Unresolvable, mx.Error!, domain)];
        var records = mx.Records.OfType<MxRecord>().ToList();
        if (records.Count == 1 && records[0].Exchange.Value.TrimEnd('.').Length == 0)
            return [Failed(target, ProbeOutcome.NoMail, $"{domain} publishes a null MX (RFC 7505): it accepts no mail", domain)];
        if (records.Count == 0)
        {
            // RFC 5321 §5.1: no MX, the domain itself is the implicit MX.
            if (options.Proxy is not null)
                return [new(target with { Host = domain }, null, domain, null)];
            var (addresses, error, outcome) = await DnsAddressesAsync(domain, dns, token);
            if (error is not null)
                return [Failed(target, outcome, $"{domain} has no MX; {error}", domain)];
            return [.. addresses.Select(a => new ProbePlan(target with { Host = domain }, a, domain, null))];
        }
        var ordered = records.Where(r => r.Exchange.Value.TrimEnd('.').Length > 0)
            .OrderBy(r => r.Preference).ThenBy(r => r.Exchange.Value, StringComparer.OrdinalIgnoreCase)
            .Select(r => (Host: r.Exchange.Value.TrimEnd('.'), Preference: (int)r.Preference))
            .DistinctBy(r => r.Host.ToLowerInvariant()).ToList();
        if (options.Proxy is not null)
            return [.. ordered.Select(m => new ProbePlan(target with { Host = m.Host }, null, domain, m.Preference))];
        var resolved = await Task.WhenAll(ordered.Select(async m => (m, await DnsAddressesAsync(m.Host, dns, token))));
        var plan = new List<ProbePlan>();
        foreach (var ((host, preference), (addresses, error, outcome)) in resolved)
        {
            var mxTarget = target with { Host = host };
            if (error is not null)
                plan.Add(Failed(mxTarget, outcome, $"MX {host} (preference {preference}) of {domain}: {error}", domain, preference));
            else
                plan.AddRange(addresses.Select(a => new ProbePlan(mxTarget, a, domain, preference)));
        }
        return plan;
    }

    private static ProbePlan Failed(ProbeTarget target, string outcome, string error, string? domain = null, int? preference = null) =>
        new(target, null, domain, preference, FailedResult(target, null, outcome, error, domain, preference));

    /// <summary>A result made without connecting: a DNS failure here, or an agent's refusal.</summary>
    public static ProbeResult FailedResult(ProbeTarget target, IPAddress? address, string outcome, string error, string? domain = null, int? preference = null)
    {
        var result = new ProbeResult
        {
            Target = target,
            Server = address is null ? null : MailProbe.Endpoint(address, target.Port),
            MailDomain = domain,
            MxPreference = preference,
        };
        result.Fail(outcome, error);
        if (domain is not null)
            result.MtaSts = MtaStsCheck.NotChecked("not checked: the domain did not resolve to a mail server");
        result.Dane = DaneCheck.NotChecked("not checked: no server was probed");
        return result;
    }

    private static async Task<(IReadOnlyList<IPAddress> List, string? Error, string Outcome)> DnsAddressesAsync(string host, MailDns dns, CancellationToken token)
    {
        var (addresses, a, aaaa) = await dns.AddressesAsync(host, token);
        if (addresses.Count > 0)
            return (addresses, null, ProbeOutcome.Ok);
        var failed = a.Kind is DnsAnswerKind.Records or DnsAnswerKind.NoData ? aaaa : a;
        return ([], failed.Error ?? dns.NoAddress(host), ProbeOutcome.Unresolvable);
    }

    /// <summary>
    /// The system's own lookup (getaddrinfo: /etc/hosts, then DNS), as any program here would do it; when
    /// it fails, the same name asked of the system's resolver through DnsClient says why and from whom.
    /// </summary>
    private static async Task<(IReadOnlyList<IPAddress> List, string? Error, string Outcome)> SystemAddressesAsync(string host, MailDns dns, ProbeOptions options, CancellationToken token)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(options.DnsTimeout);
        try
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(host, cts.Token);
            if (addresses.Length > 0)
                return (addresses.Distinct().ToList(), null, ProbeOutcome.Ok);
        }
        catch (SocketException)
        {
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
        }
        return await DnsAddressesAsync(host, dns, token);
    }
}
