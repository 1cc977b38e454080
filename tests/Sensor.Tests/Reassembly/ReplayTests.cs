using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;
using Sensor.Tests.Capture;

namespace Sensor.Tests.Reassembly;

/// <summary>A real capture through reader, decoder and flow table: the replay pipeline's front half.</summary>
public class ReplayTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RealSmtpCapture_DeliversBothDirectionsInOrder_AndClosesTheFlow(bool pcapng)
    {
        using var file = pcapng ? new TempFile(RealCaptures.EditcapPcapng, ".pcapng") : new TempFile(RealCaptures.TcpdumpNanoPcap);
        var observer = new RecordingObserver();
        var feeder = new Feeder(new FlowTable(observer));
        new CaptureReader([file.Path]).Read(feeder);
        feeder.Table.Flush();
        Assert.Equal(
        [
            "start 127.0.0.1:41094->127.0.0.1:2525",
            "data s2c 220 test ESMTP\r\n",
            "data c2s EHLO x\r\n",
            "data s2c 250 ok\r\n",
            "data c2s QUIT\r\n",
            "end Closed",
        ], observer.Events);
        Assert.Equal(13, feeder.DecodeStats.Tcp);
        Assert.True(observer.Started[0].SawHandshake);
    }

    /// <summary>Capture to flow table with nothing after it (the product wires this in Pipeline/MailPipeline).</summary>
    private sealed class Feeder(FlowTable table) : IPacketHandler
    {
        private readonly PacketDecoder _decoder = new();

        public FlowTable Table { get; } = table;
        public DecodeStats DecodeStats => _decoder.Stats;

        public void OnPacket(in RawPacket packet)
        {
            if (_decoder.Decode(packet.LinkType, packet.TimestampTicks, packet.Data, out var segment) == DecodeResult.Tcp)
                Table.Process(segment);
        }
    }
}
