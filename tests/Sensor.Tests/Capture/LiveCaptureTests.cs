using System.Net;
using System.Net.Sockets;
using System.Text;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;

namespace Sensor.Tests.Capture;

[Trait(TestCategories.Name, TestCategories.Integration)]
public class LiveCaptureTests
{
    [Fact]
    public void NoSuchInterface_IsOneClearError()
    {
        var e = Assert.Throws<CaptureException>(() => new LiveCapture("sensor-no-such0").Run(new RecordingHandler(), CancellationToken.None));
        Assert.Equal(CaptureErrorKind.NoSuchInterface, e.Kind);
        Assert.StartsWith("no such interface: sensor-no-such0 (available: ", e.Message);
    }

    [Fact]
    public void BadFilter_IsOneClearError()
    {
        var capture = new LiveCapture("lo", new LiveCaptureOptions { Filter = "tcp port" });
        var e = Assert.Throws<CaptureException>(() => capture.Run(new RecordingHandler(), CancellationToken.None));
        // Without capture rights (or without an interface named lo) the open fails first; all are typed errors.
        Assert.Contains(e.Kind, new[] { CaptureErrorKind.BadFilter, CaptureErrorKind.CannotCapture, CaptureErrorKind.NoSuchInterface });
    }

    /// <summary>Needs root or CAP_NET_RAW and a Linux "lo"; without them it checks only that the refusal is a typed error.</summary>
    [Fact]
    public void Loopback_SeesTcpPayloadFromALocalConnection()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var handler = new PayloadHandler();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var capture = new LiveCapture("lo", new LiveCaptureOptions { Filter = $"tcp port {port}", ReadTimeoutMilliseconds = 50 });
        try
        {
            capture.Open();
        }
        catch (CaptureException e) when (e.Kind is CaptureErrorKind.CannotCapture or CaptureErrorKind.NoSuchInterface)
        {
            return;
        }
        var run = Task.Run(() => capture.Run(handler, cts.Token));
        using (var client = new TcpClient())
        {
            client.Connect(IPAddress.Loopback, port);
            using var server = listener.AcceptTcpClient();
            client.GetStream().Write("EHLO live\r\n"u8);
            server.GetStream().ReadExactly(new byte[11]);
        }
        listener.Stop();
        SpinWait.SpinUntil(() => handler.Seen.Contains("EHLO live\r\n"), TimeSpan.FromSeconds(5));
        cts.Cancel();
        var result = run.Result;
        Assert.Contains("EHLO live\r\n", handler.Seen);
        Assert.True(result.Packets >= 3);
        Assert.Null(result.StoppedBy);
    }

    private sealed class PayloadHandler : IPacketHandler
    {
        private readonly List<string> _seen = [];

        public IReadOnlyList<string> Seen { get { lock (_seen) return _seen.ToArray(); } }

        public void OnPacket(in RawPacket packet)
        {
            if (PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out var segment) == DecodeResult.Tcp && !segment.Payload.IsEmpty)
            {
                lock (_seen)
                    _seen.Add(Encoding.ASCII.GetString(segment.Payload));
            }
        }
    }
}
