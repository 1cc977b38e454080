using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Locate;

/// <summary>
/// Locates probed servers one after another (one walk at a time: each waits on routers' ICMP, and a
/// walk makes a connection per hop), with one ICMP listener per address family, opened when first needed.
/// </summary>
public static class LocateBatch
{
    /// <summary>Throws <see cref="LocateUnavailableException"/> when raw ICMP sockets are refused here.</summary>
    public static void CheckAvailable() => IcmpListener.Open(AddressFamily.InterNetwork).Dispose();

    /// <summary>
    /// Sets <see cref="ProbeResult.Locate"/> on each result, judged against its reference answer (null:
    /// the result's own full-TTL answer). Throws <see cref="LocateUnavailableException"/> without CAP_NET_RAW.
    /// </summary>
    public static async Task RunAsync(IEnumerable<(ProbeResult Result, HopMailAnswer? Reference)> work, ProbeOptions options, CancellationToken token = default)
    {
        var listeners = new Dictionary<AddressFamily, IcmpListener>();
        try
        {
            foreach (var (result, reference) in work)
            {
                if (!IPEndPoint.TryParse(result.Server ?? "", out var server))
                {
                    result.Locate = LocatedPath.Failed("no address of the server was reached");
                    continue;
                }
                if (!listeners.TryGetValue(server.AddressFamily, out var icmp))
                    listeners[server.AddressFamily] = icmp = IcmpListener.Open(server.AddressFamily);
                result.Locate = await PathLocator.RunAsync(result.Target, server.Address, options, reference ?? PathLocator.AnswerOf(result), icmp, token);
            }
        }
        finally
        {
            foreach (var listener in listeners.Values)
                listener.Dispose();
        }
    }
}
