using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Enumeration;

namespace Sensor.Tests.Probing.Enumeration;

/// <summary>
/// An SMTP server on loopback that says yes to STARTTLS and then answers every ClientHello badly:
/// each ends as a clear attempt result, in bounded time, without a crash.
/// </summary>
public class HostileEnumerationTests
{
    // Generous steps for servers that answer at once (a loaded test run is slow to schedule); a short one where silence is the test.
    private static readonly ProbeOptions Patient = ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(3)) with { TotalTimeout = TimeSpan.FromSeconds(15) };
    private static readonly ProbeOptions Short = Patient with { HandshakeTimeout = TimeSpan.FromMilliseconds(400) };

    /// <summary>Serves every connection until disposed: greeting, EHLO with STARTTLS, 220, then <paramref name="answer"/> to the ClientHello.</summary>
    private sealed class StartTlsServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public int Port { get; }

        public StartTlsServer(Func<NetworkStream, CancellationToken, Task> answer)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(async () =>
            {
                var sessions = new List<Task>();
                try
                {
                    while (true)
                    {
                        var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                        sessions.Add(Task.Run(() => Session(client, answer)));
                    }
                }
                catch (OperationCanceledException)
                {
                }
                await Task.WhenAll(sessions);
            });
        }

        private async Task Session(TcpClient client, Func<NetworkStream, CancellationToken, Task> answer)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII, false, 1, leaveOpen: true);
                    await stream.WriteAsync("220 hostile ESMTP\r\n"u8.ToArray(), _stop.Token);
                    await reader.ReadLineAsync(_stop.Token); // EHLO
                    await stream.WriteAsync("250-hostile\r\n250 STARTTLS\r\n"u8.ToArray(), _stop.Token);
                    await reader.ReadLineAsync(_stop.Token); // STARTTLS
                    await stream.WriteAsync("220 go ahead\r\n"u8.ToArray(), _stop.Token);
                    var hello = new byte[5];
                    await stream.ReadExactlyAsync(hello, _stop.Token); // the ClientHello's record header at least
                    await answer(stream, _stop.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }

    private static async Task<(EnumerationResult Result, TimeSpan Took)> EnumerateAgainst(Func<NetworkStream, CancellationToken, Task> answer, ProbeOptions? options = null)
    {
        await using var server = new StartTlsServer(answer);
        var clock = Stopwatch.StartNew();
        var result = await TlsEnumerator.RunAsync(new ProbeTarget("127.0.0.1", server.Port, ProbeProtocol.Smtp, false), IPAddress.Loopback, options ?? Patient);
        return (result, clock.Elapsed);
    }

    private static void AssertNothingSettled(EnumerationResult result)
    {
        Assert.Empty(result.Versions);
        Assert.Empty(result.CipherClasses);
    }

    [Fact]
    public async Task GarbageIsNotTestedWithTheBytesShown()
    {
        var (result, took) = await EnumerateAgainst((s, t) => s.WriteAsync("500 what is this\r\n"u8.ToArray(), t).AsTask());
        AssertNothingSettled(result);
        Assert.Equal(12, result.Attempts.Count);
        Assert.All(result.Attempts, a => Assert.Equal("garbage", a.Answer));
        Assert.Contains(result.NotTested, n => n.What == "TLSv1.2" && n.Why.Contains("\"500 what is this\""));
        Assert.InRange(took.TotalSeconds, 0, 5);
    }

    [Fact]
    public async Task ACloseIsARefusal()
    {
        var (result, took) = await EnumerateAgainst((_, _) => Task.CompletedTask);
        AssertNothingSettled(result);
        Assert.Equal(["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"], result.RejectedVersions);
        Assert.Equal(7, result.RejectedCipherClasses.Count);
        Assert.All(result.Attempts, a => Assert.Equal("closed", a.Answer));
        Assert.InRange(took.TotalSeconds, 0, 5);
    }

    [Fact]
    public async Task AHugeRecordIsGarbageAtItsHeader()
    {
        var (result, took) = await EnumerateAgainst(async (s, t) =>
        {
            await s.WriteAsync(new byte[] { 0x16, 0x03, 0x03, 0xFF, 0xFF }, t);
            var junk = new byte[64 * 1024];
            for (var i = 0; i < 16; i++) // a megabyte more, if the reader kept reading
                await s.WriteAsync(junk, t);
        });
        AssertNothingSettled(result);
        Assert.All(result.Attempts, a => Assert.Equal("a TLS record of 65535 bytes, above the 18432-byte limit", a.Detail));
        Assert.InRange(took.TotalSeconds, 0, 5);
    }

    [Fact]
    public async Task EndlessZeroFragmentsEndAsGarbageAtTheClaimedLength()
    {
        var (result, took) = await EnumerateAgainst(async (s, t) =>
        {
            // a ServerHello that claims 60 000 bytes, sent in 1-byte-short records forever
            await s.WriteAsync(new byte[] { 0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0xEA, 0x60 }, t);
            var fragment = new byte[5 + 16000];
            (fragment[0], fragment[1], fragment[2], fragment[3], fragment[4]) = (0x16, 0x03, 0x03, 0x3E, 0x80);
            while (!t.IsCancellationRequested)
                await s.WriteAsync(fragment, t);
        });
        AssertNothingSettled(result);
        Assert.All(result.Attempts, a => Assert.Equal("garbage", a.Answer));
        Assert.All(result.Attempts, a => Assert.Equal("a ServerHello choosing version 0x0000", a.Detail));
        Assert.InRange(took.TotalSeconds, 0, 5);
    }

    [Fact]
    public async Task SilenceTimesOutOnceAndTheRestIsNotTried()
    {
        var (result, took) = await EnumerateAgainst((_, t) => Task.Delay(Timeout.Infinite, t), Short);
        AssertNothingSettled(result);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(("SSLv3", "timeout"), (attempt.Test, attempt.Answer));
        Assert.Contains(result.NotTested, n => n.What == "aead" && n.Why.StartsWith("not tried: an earlier attempt (SSLv3) ended with no answer to the ClientHello"));
        Assert.Equal(4 + 12, result.NotTested.Count);
        Assert.InRange(took.TotalSeconds, 0.3, 3);
    }

    [Fact]
    public async Task AServerWithoutStartTlsStopsTheEnumerationAtOnce()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens: connection refused
        var result = await TlsEnumerator.RunAsync(new ProbeTarget("127.0.0.1", port, ProbeProtocol.Smtp, false), IPAddress.Loopback, Patient);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(("no-tls", "connection refused"), (attempt.Answer, attempt.Detail));
        Assert.Equal(4 + 12, result.NotTested.Count);
    }
}
