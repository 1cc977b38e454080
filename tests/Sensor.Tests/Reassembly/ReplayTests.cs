using Sensor.Core.Capture;
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
        var feeder = new FlowFeeder(new FlowTable(observer));
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
}
