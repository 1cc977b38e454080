using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing;

/// <summary>
/// Probes many targets with bounded concurrency. A host name is resolved to its A/AAAA addresses
/// (no MX lookup in this slice) and each address is probed as its own server; a name that does not
/// resolve is an "unreachable" result. Results come back in the order of the targets.
/// </summary>
public static class ProbeBatch
{
    public const int DefaultConcurrency = 16;

    public static async Task<IReadOnlyList<ProbeResult>> RunAsync(IReadOnlyList<ProbeTarget> targets, ProbeOptions options, int concurrency = DefaultConcurrency, CancellationToken cancellationToken = default)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = targets.Select(async target =>
        {
            var addresses = await ResolveAsync(target, options, cancellationToken);
            if (addresses.Error is { } error)
            {
                var failed = new ProbeResult { Target = target };
                failed.Fail(ProbeOutcome.Unreachable, error);
                return (IReadOnlyList<ProbeResult>)[failed];
            }
            return await Task.WhenAll(addresses.List.Select(async address =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    return await MailProbe.RunAsync(target, address, options, cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }).ToList();
        var all = await Task.WhenAll(tasks);
        return [.. all.SelectMany(r => r)];
    }

    private static async Task<(IReadOnlyList<IPAddress> List, string? Error)> ResolveAsync(ProbeTarget target, ProbeOptions options, CancellationToken token)
    {
        if (target.Address is { } pinned)
            return ([pinned], null);
        if (IPAddress.TryParse(target.Host, out var literal))
            return ([literal], null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(options.ConnectTimeout);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(target.Host, cts.Token);
            return addresses.Length == 0 ? ([], $"{target.Host}: no address") : (addresses.Distinct().ToList(), null);
        }
        catch (SocketException e)
        {
            return ([], $"cannot resolve {target.Host}: {e.Message}");
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return ([], $"timeout resolving {target.Host} ({ProbeConnection.Seconds(options.ConnectTimeout)})");
        }
    }
}
