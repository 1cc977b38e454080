using System.Net;
using System.Net.Sockets;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Socks;
using Sensor.Tests.Cli;

namespace Sensor.Tests.Probing.Socks;

/// <summary>
/// The SOCKS5 handshake against servers on loopback that answer one scripted way each: a proxy that
/// wants a password, one that is not SOCKS, one whose rules forbid the destination, and one that
/// answers a byte at a time with the mail server's greeting right behind its reply.
/// </summary>
public class SocksProxyConnectTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    /// <summary>Accepts one connection, reads the greeting (and the CONNECT when it answers the greeting with 05 00), writes the scripted bytes.</summary>
    private static (SocksProxy Proxy, Task<byte[]> Request) Serve(byte[] methodAnswer, byte[]? connectAnswer = null, bool byteByByte = false)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var request = Task.Run(async () =>
        {
            using var stop = listener;
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var greeting = new byte[3];
            await stream.ReadExactlyAsync(greeting);
            await stream.WriteAsync(methodAnswer);
            if (connectAnswer is null)
                return Array.Empty<byte>();
            var header = new byte[5];
            await stream.ReadExactlyAsync(header);
            var rest = new byte[header[4] + 2];
            await stream.ReadExactlyAsync(rest);
            foreach (var chunk in byteByByte ? connectAnswer.Select(b => new[] { b }) : [connectAnswer])
            {
                await stream.WriteAsync(chunk);
                await stream.FlushAsync();
                await Task.Delay(byteByByte ? 5 : 0);
            }
            await Task.Delay(200);
            return [.. header, .. rest];
        });
        return (new SocksProxy("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), request);
    }

    private static async Task<ProbeStepException> Fails(SocksProxy proxy, string host = "mx.example.org", int port = 25) =>
        await Assert.ThrowsAsync<ProbeStepException>(() => proxy.ConnectAsync(host, port, Step, default));

    [Fact]
    public async Task AProxyThatWantsAPasswordIsAnUnavailableVantage()
    {
        var (proxy, _) = Serve([5, 0xFF]);
        var e = await Fails(proxy);
        Assert.Equal((ProbeOutcome.VantageUnavailable, $"SOCKS proxy {proxy.Name}: it wants authentication, which is not supported"), (e.Outcome, e.Message));
    }

    [Fact]
    public async Task AServerThatIsNotSocksIsAnUnavailableVantage()
    {
        var (proxy, _) = Serve("HT"u8.ToArray());
        var e = await Fails(proxy);
        Assert.Equal((ProbeOutcome.VantageUnavailable, $"SOCKS proxy {proxy.Name}: it did not answer as a SOCKS5 server"), (e.Outcome, e.Message));
    }

    [Fact]
    public async Task ADestinationTheProxysRulesForbidIsUnreachable_SayingWhyForPort25()
    {
        var (proxy, _) = Serve([5, 0], [5, 2, 0, 1, 0, 0, 0, 0, 0, 0]);
        var e = await Fails(proxy);
        Assert.Equal((ProbeOutcome.Unreachable, $"SOCKS proxy {proxy.Name} could not connect to mx.example.org:25: connection not allowed by ruleset (Tor exits refuse port 25 by default)"),
            (e.Outcome, e.Message));
    }

    [Fact]
    public async Task NothingListeningIsAnUnavailableVantage()
    {
        var port = ProbeTestSupport.FreePort(IPAddress.Loopback);
        var e = await Fails(new SocksProxy("127.0.0.1", port));
        Assert.Equal((ProbeOutcome.VantageUnavailable, $"SOCKS proxy socks5://127.0.0.1:{port}: connection refused"), (e.Outcome, e.Message));
    }

    [Fact]
    public async Task AReplyInPiecesGivesTheExit_AndLeavesTheServersBytesUnread()
    {
        // the reply (bound 10.1.2.3:40000) and, behind it in the same stream, the mail server's greeting
        byte[] reply = [5, 0, 0, 1, 10, 1, 2, 3, 0x9C, 0x40];
        var (proxy, request) = Serve([5, 0], [.. reply, .. "220 mx ESMTP\r\n"u8.ToArray()], byteByByte: true);
        var (socket, exit) = await proxy.ConnectAsync("mx.example.org", 25, Step, default);
        using (socket)
        {
            Assert.Equal(IPAddress.Parse("10.1.2.3"), exit);
            var greeting = new byte[14];
            var read = 0;
            while (read < greeting.Length)
                read += await socket.ReceiveAsync(greeting.AsMemory(read));
            Assert.Equal("220 mx ESMTP\r\n", System.Text.Encoding.ASCII.GetString(greeting));
        }
        // the name went to the proxy as a name (ATYP 3): nothing was resolved here
        Assert.Equal([5, 1, 0, 3, 14, .. "mx.example.org"u8.ToArray(), 0, 25], await request);
    }
}
