using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Locate;

/// <summary>What one TTL-limited SYN brought back; <see cref="Socket"/> is the connection when a SYN-ACK did.</summary>
internal sealed record TtlOutcome(string Answer, IPAddress? From, Socket? Socket);

/// <summary>
/// One TTL-limited SYN, as tcptraceroute sends it, made with the kernel's own TCP: a socket whose
/// packets carry TTL (hop limit) <c>ttl</c> connects to the server. A router where the TTL runs out
/// sends ICMP time exceeded (RFC 792; RFC 1812 §5.3.1), which fails the connect at once (Linux reports
/// it to a socket in SYN-SENT as EHOSTUNREACH) and reaches the <see cref="IcmpListener"/> with the
/// router's address; whatever answers the SYN itself (the server, or a TCP-terminating box) makes the
/// connection, which then speaks with the same TTL, so it reaches that answerer and no further.
/// </summary>
internal static class TtlProbe
{
    /// <summary>How long after a failed connect the ICMP copy may still be on its way to the raw socket.</summary>
    private static readonly TimeSpan IcmpStraggle = TimeSpan.FromMilliseconds(300);

    public static async Task<TtlOutcome> SendAsync(IPEndPoint remote, int ttl, IcmpListener icmp, TimeSpan wait, CancellationToken token)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Ttl = (short)ttl };
        var kept = false;
        socket.Bind(new IPEndPoint(icmp.IsV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        var localPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var router = icmp.WaitAsync(localPort, remote);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(token);
        timer.CancelAfter(wait);
        try
        {
            var connect = socket.ConnectAsync(remote, timer.Token).AsTask();
            if (await Task.WhenAny(connect, router) == router && router.IsCompletedSuccessfully)
                return FromIcmp(router.Result, icmp.IsV6);
            try
            {
                await connect;
                kept = true;
                return new TtlOutcome(HopAnswer.SynAck, remote.Address, socket);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return new TtlOutcome(HopAnswer.Reset, remote.Address, null);
            }
            catch (SocketException)
            {
                // the connect failed on an ICMP error: its copy names the hop
                var heard = await Task.WhenAny(router, Task.Delay(IcmpStraggle, token)) == router && router.IsCompletedSuccessfully;
                return heard ? FromIcmp(router.Result, icmp.IsV6) : new TtlOutcome(HopAnswer.Unreachable, null, null);
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return new TtlOutcome(HopAnswer.None, null, null);
        }
        finally
        {
            icmp.Forget(localPort, remote);
            if (!kept)
                socket.Dispose();
        }
    }

    private static TtlOutcome FromIcmp(IcmpQuote quote, bool v6) =>
        new(quote.IsTimeExceeded(v6) ? HopAnswer.TimeExceeded : HopAnswer.Unreachable, quote.From, null);
}
