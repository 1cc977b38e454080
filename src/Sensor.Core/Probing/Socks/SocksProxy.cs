using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Socks;

/// <summary>
/// A SOCKS5 proxy to probe through (`--via socks5://HOST:PORT`, `--via tor`): another vantage point, named
/// by its URL. Host names are handed to the proxy as names (RFC 1928 ATYP 3), so the proxy resolves them:
/// nothing about the destination is looked up here.
/// </summary>
public sealed record SocksProxy(string Host, int Port)
{
    public const string Scheme = "socks5://";

    /// <summary>Tor's SOCKS port on this machine (its torrc default).</summary>
    public static SocksProxy Tor { get; } = new("127.0.0.1", 9050);

    /// <summary>The vantage name of records probed through it: its URL.</summary>
    public string Name => $"{Scheme}{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>Whether --via names a proxy (else it names an agent).</summary>
    public static bool IsProxy(string via) => via == "tor" || via.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>`tor`, or socks5://HOST:PORT ([v6] for IPv6; the port is required). Throws <see cref="FormatException"/>.</summary>
    public static SocksProxy Parse(string via)
    {
        if (via == "tor")
            return Tor;
        var error = new FormatException($"--via takes an agent name, tor or socks5://HOST:PORT, not '{via}'");
        if (!via.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            throw error;
        var rest = via[Scheme.Length..].TrimEnd('/');
        if (rest.Contains('@'))
            throw new FormatException("--via: a SOCKS proxy that takes a user name and password is not supported (and a password does not belong on the command line)");
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw error;
        var host = rest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            return IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? new SocksProxy(host[1..^1], port) : throw error;
        if (host.Length == 0 || host.Contains(':') || host.Contains('/'))
            throw error;
        return new SocksProxy(host, port);
    }

    /// <summary>
    /// A connection to <paramref name="host"/>:<paramref name="port"/> through the proxy, and the address the
    /// proxy connected from when it says so (BND.ADDR, RFC 1928 §6; Tor says 0.0.0.0). A proxy that cannot
    /// be reached or does not speak SOCKS5 without authentication is <see cref="ProbeOutcome.VantageUnavailable"/>;
    /// a destination the proxy could not or would not reach is <see cref="ProbeOutcome.Unreachable"/>.
    /// </summary>
    public async Task<(Socket Socket, IPAddress? Exit)> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken token)
    {
        Socket socket;
        try
        {
            socket = await ConnectToProxyAsync(timeout, token);
        }
        catch (ProbeStepException e)
        {
            throw new ProbeStepException(ProbeOutcome.VantageUnavailable, $"SOCKS proxy {Name}: {e.Message}");
        }
        try
        {
            var exit = await HandshakeAsync(socket, host, port, timeout, token);
            return (socket, exit);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Socket> ConnectToProxyAsync(TimeSpan timeout, CancellationToken token)
    {
        if (IPAddress.TryParse(Host, out var address))
            return await MailProbe.ConnectAsync(address, Port, timeout, token);
        // the proxy's own name is looked up here: it is where this vantage starts, not a destination
        IPAddress[] addresses;
        try
        {
            addresses = await System.Net.Dns.GetHostAddressesAsync(Host, token);
        }
        catch (SocketException e)
        {
            throw new ProbeStepException(ProbeOutcome.VantageUnavailable, $"SOCKS proxy {Name}: cannot resolve {Host}: {e.Message}");
        }
        return addresses.Length == 0
            ? throw new ProbeStepException(ProbeOutcome.VantageUnavailable, $"SOCKS proxy {Name}: {Host} has no address")
            : await MailProbe.ConnectAsync(addresses[0], Port, timeout, token);
    }

    private async Task<IPAddress?> HandshakeAsync(Socket socket, string host, int port, TimeSpan timeout, CancellationToken token)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(timeout);
        var buffer = new byte[Socks5Messages.MaxRequestBytes];
        try
        {
            await socket.SendAsync(Socks5Messages.Greeting.ToArray(), cts.Token);
            if (await ReadAtLeastAsync(socket, buffer, 2, cts.Token) != 2 || Socks5Messages.ChosenMethod(buffer.AsSpan(0, 2)) is not { } method)
                throw Unavailable("it did not answer as a SOCKS5 server");
            if (method != Socks5Messages.NoAuthentication)
                throw Unavailable(method == Socks5Messages.NoAcceptableMethod ? "it wants authentication, which is not supported" : $"it chose method 0x{method:x2}, not 'no authentication'");
            var length = Socks5Messages.WriteConnect(buffer, host, port);
            await socket.SendAsync(buffer.AsMemory(0, length), cts.Token);
            return await ReadConnectReplyAsync(socket, buffer, host, port, cts.Token);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new ProbeStepException(ProbeOutcome.Timeout, $"SOCKS proxy {Name}: no answer within {ProbeConnection.Seconds(timeout)}");
        }
        catch (SocketException e)
        {
            throw Unavailable($"connection broken: {e.Message}");
        }
    }

    /// <summary>Reads the reply one piece at a time, never past its end: what follows is the server's.</summary>
    private async Task<IPAddress?> ReadConnectReplyAsync(Socket socket, byte[] buffer, string host, int port, CancellationToken token)
    {
        var have = await ReadAtLeastAsync(socket, buffer, 5, token);
        if (have < 5)
            throw Unavailable("it closed the connection instead of answering the CONNECT");
        while (true)
        {
            switch (Socks5Messages.ReadReply(buffer.AsSpan(0, have), out var reply, out _))
            {
                case Socks5ReadStatus.Malformed:
                    throw Unavailable("its answer to CONNECT is not SOCKS5");
                case Socks5ReadStatus.Parsed when reply.Succeeded:
                    return reply.BoundAddress is { } bound && !bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any) ? bound : null;
                case Socks5ReadStatus.Parsed:
                    throw Refusal(reply.Code, host, port);
            }
            // the address is as long as its type says: read exactly what is missing
            var need = buffer[3] switch { 1 => 10, 4 => 22, _ => 7 + buffer[4] };
            var more = await ReadAtLeastAsync(socket, buffer.AsMemory(have, need - have), need - have, token);
            if (more < need - have)
                throw Unavailable("it closed the connection in the middle of its answer");
            have = need;
        }
    }

    private static async Task<int> ReadAtLeastAsync(Socket socket, Memory<byte> buffer, int count, CancellationToken token)
    {
        var have = 0;
        while (have < count)
        {
            var read = await socket.ReceiveAsync(buffer[have..count], token);
            if (read == 0)
                break;
            have += read;
        }
        return have;
    }

    private ProbeStepException Unavailable(string why) => new(ProbeOutcome.VantageUnavailable, $"SOCKS proxy {Name}: {why}");

    /// <summary>The proxy answered, but did not connect: from its side the destination is unreachable, or its rules forbid it.</summary>
    private ProbeStepException Refusal(byte code, string host, int port)
    {
        var what = $"SOCKS proxy {Name} could not connect to {(host.Contains(':') ? $"[{host}]" : host)}:{port}: {Socks5Messages.Describe(code)}";
        var why = code switch
        {
            // Tor's exit policies (ReducedExitPolicy too) reject port 25; Tor answers "not allowed" for that
            0x02 when port == 25 => " (Tor exits refuse port 25 by default)",
            0x04 when !IPAddress.TryParse(host, out _) => " (the name may not resolve there)",
            _ => "",
        };
        return code is 0x07 or 0x08
            ? new ProbeStepException(ProbeOutcome.VantageUnavailable, what)
            : new ProbeStepException(ProbeOutcome.Unreachable, what + why);
    }
}
