using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sensor.Core.Probing;
using static Sensor.Tests.Probing.ProbeTestSupport;

namespace Sensor.Tests.Probing;

/// <summary>In-test servers on loopback that stall, flood or reset: each is a clear result, bounded in time and memory.</summary>
public class HostileServerProbeTests
{
    // Short waits for the server's words; connecting gets longer, as the first probe of a run also pays for JIT and socket setup.
    private static readonly ProbeOptions Short = ProbeOptions.WithStepTimeout(TimeSpan.FromMilliseconds(500)) with
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Accepts one connection and runs <paramref name="behave"/> on it; returns the port.</summary>
    private static (int Port, Task Server) Serve(Func<Socket, Task> behave)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            try
            {
                using var socket = await listener.AcceptSocketAsync();
                try { await behave(socket); } catch (SocketException) { } catch (IOException) { }
            }
            finally
            {
                listener.Stop();
            }
        });
        return (port, server);
    }

    private static async Task<ProbeResult> ProbeLocal(int port) =>
        await MailProbe.RunAsync(new ProbeTarget("127.0.0.1", port, ProbeProtocol.Smtp, false), IPAddress.Loopback, Short);

    /// <summary>Serves one connection with <paramref name="behave"/>, probes it, lets the server finish.</summary>
    private static async Task<ProbeResult> ProbeAgainst(Func<Socket, Task> behave)
    {
        var (port, server) = Serve(behave);
        var result = await ProbeLocal(port);
        await server;
        return result;
    }

    /// <summary>Sends <paramref name="greeting"/>, then stays silent until the probe is over.</summary>
    private static async Task<ProbeResult> ProbeSilentAfter(byte[] greeting)
    {
        var release = new TaskCompletionSource();
        var (port, server) = Serve(async socket =>
        {
            await socket.SendAsync(greeting);
            await release.Task;
        });
        var result = await ProbeLocal(port);
        release.SetResult();
        await server;
        return result;
    }

    [Fact]
    public async Task SilentServerTimesOutOnTheGreeting()
    {
        var clock = Stopwatch.StartNew();
        var result = await ProbeSilentAfter([]);
        Assert.Equal(ProbeOutcome.Timeout, result.Outcome);
        Assert.Equal("timeout waiting for the greeting (0.5 s)", result.Error);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 3);
    }

    [Fact]
    public async Task EndlessLineIsAProtocolErrorWithBoundedMemory()
    {
        var result = await ProbeAgainst(async socket =>
        {
            var chunk = Encoding.ASCII.GetBytes("220 " + new string('A', 65536));
            for (var sent = 0; sent < 10 << 20; sent += chunk.Length)
                await socket.SendAsync(chunk);
        });
        Assert.Equal(ProbeOutcome.ProtocolError, result.Outcome);
        Assert.Equal("the greeting: a line longer than 8192 bytes", result.Error);
        Assert.Null(result.Banner);
    }

    [Fact]
    public async Task TenMegabyteBannerIsAProtocolErrorAfter64KiB()
    {
        var result = await ProbeAgainst(async socket =>
        {
            var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("220-" + new string('x', 96) + "\r\n", 640)));
            for (var sent = 0; sent < 10 << 20; sent += lines.Length)
                await socket.SendAsync(lines);
        });
        Assert.Equal(ProbeOutcome.ProtocolError, result.Outcome);
        Assert.StartsWith("the greeting: more than 65536 bytes", result.Error);
    }

    [Fact]
    public async Task ResetIsAProtocolErrorThatSaysSo()
    {
        var result = await ProbeAgainst(socket =>
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
            return Task.CompletedTask;
        });
        Assert.True(result.Outcome == ProbeOutcome.ProtocolError, result.Error);
        Assert.Matches("^connection (reset by the server|broken while reading the greeting|closed by the server while reading the greeting)", result.Error);
    }

    [Fact]
    public async Task GreetingThenSilenceAfterEhloTimesOutOnTheReplyWithTheBannerKept()
    {
        var result = await ProbeSilentAfter("220 slow.example ESMTP\r\n"u8.ToArray());
        Assert.Equal(ProbeOutcome.Timeout, result.Outcome);
        Assert.Equal("timeout waiting for the EHLO reply (0.5 s)", result.Error);
        Assert.Equal("slow.example", result.ServerName);
    }

    [Fact]
    public async Task ServiceNotAvailableGreetingIsRecorded()
    {
        var result = await ProbeAgainst(async socket => await socket.SendAsync("421 4.3.2 busy, try later\r\n"u8.ToArray()));
        Assert.Equal(ProbeOutcome.ProtocolError, result.Outcome);
        Assert.Equal("greeting is not 220: 421 4.3.2 busy, try later", result.Error);
        Assert.Equal("421 4.3.2 busy, try later", result.Banner);
    }

    [Fact]
    public async Task RefusedPortIsUnreachable()
    {
        var port = FreePort(IPAddress.Loopback);
        var result = await ProbeLocal(port);
        Assert.Equal(ProbeOutcome.Unreachable, result.Outcome);
        Assert.Equal("connection refused", result.Error);
        Assert.Equal($"127.0.0.1:{port}", result.Server);
    }
}
