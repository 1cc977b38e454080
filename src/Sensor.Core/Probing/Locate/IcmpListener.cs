using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Locate;

/// <summary>Raw sockets are refused here (no CAP_NET_RAW): the walk cannot hear the routers.</summary>
public sealed class LocateUnavailableException() : Exception("raw ICMP sockets are refused here")
{
    /// <summary>The one line that says so: "WHAT needs CAP_NET_RAW: ...".</summary>
    public static string Needs(string what) => $"{what} needs CAP_NET_RAW: run as root or `setcap cap_net_raw+ep`";
}

/// <summary>
/// A raw ICMP (or ICMPv6) socket that hears the errors routers send back for our TTL-limited SYNs and
/// hands each to the probe whose local port, destination and destination port it quotes. The kernel
/// gives a raw socket a copy of every ICMP message the host receives, so this needs CAP_NET_RAW.
/// </summary>
public sealed class IcmpListener : IDisposable
{
    private readonly Socket _socket;
    private readonly bool _v6;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(int LocalPort, IPEndPoint Remote), TaskCompletionSource<IcmpQuote>> _waiting = new();

    private IcmpListener(Socket socket, bool v6)
    {
        _socket = socket;
        _v6 = v6;
        _ = ReceiveAsync();
    }

    /// <summary>Opens the listener for one address family; throws <see cref="LocateUnavailableException"/> without CAP_NET_RAW.</summary>
    public static IcmpListener Open(AddressFamily family)
    {
        var v6 = family == AddressFamily.InterNetworkV6;
        try
        {
            var socket = new Socket(family, SocketType.Raw, v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
            // .NET receives from a bound socket only; a wildcard bind keeps every ICMP message
            socket.Bind(new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            return new IcmpListener(socket, v6);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AccessDenied or SocketError.OperationNotSupported or SocketError.ProtocolNotSupported)
        {
            throw new LocateUnavailableException();
        }
    }

    public bool IsV6 => _v6;

    /// <summary>The ICMP error that quotes a probe from <paramref name="localPort"/> to <paramref name="remote"/>; <see cref="Forget"/> when done.</summary>
    public Task<IcmpQuote> WaitAsync(int localPort, IPEndPoint remote) =>
        _waiting.GetOrAdd((localPort, remote), _ => new TaskCompletionSource<IcmpQuote>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(int localPort, IPEndPoint remote)
    {
        if (_waiting.TryRemove((localPort, remote), out var waiting))
            waiting.TrySetCanceled();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(_v6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, any, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var datagram = buffer.AsSpan(0, received.ReceivedBytes);
            var parsed = _v6
                ? IcmpQuote.TryParseV6(datagram, ((IPEndPoint)received.RemoteEndPoint).Address, out var quote)
                : IcmpQuote.TryParseV4(datagram, out quote);
            if (parsed && quote.QuotedProtocol == IcmpQuote.Tcp
                && _waiting.TryGetValue((quote.QuotedSourcePort, new IPEndPoint(quote.QuotedDestination, quote.QuotedDestinationPort)), out var waiting))
                waiting.TrySetResult(quote);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
