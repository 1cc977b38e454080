using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Tests.Sessions;

public class PendingFlowTests
{
    [Fact]
    public void AnEarlyHelloWaitsForTheServersLine_ButASilentServerCannotMakeItGrowPastTheCap()
    {
        var pending = new PendingFlow();
        Assert.False(pending.Collect(Direction.ClientToServer, "EHLO client.test\r\nMAIL FROM:<a@b>\r\n"u8, out _));
        Assert.False(pending.Collect(Direction.ClientToServer, new byte[10_000], out int first));
        Assert.Equal(10_000, first);
        Assert.True(pending.Collect(Direction.ClientToServer, new byte[10_000], out int second));
        Assert.True(second < 10_000);
        Assert.Equal(PendingFlow.MaxEarlyClientBytes, pending.Buffered.Length);
        Assert.Null(pending.Identify(sawHandshake: true, out _));
    }

    [Fact]
    public void TheServersGreetingAfterAnEarlyHelloDecides()
    {
        var pending = new PendingFlow();
        Assert.False(pending.Collect(Direction.ClientToServer, "EHLO client.test\r\n"u8, out _));
        Assert.False(pending.Collect(Direction.ServerToClient, "220-mx.example.test ES"u8, out _));
        Assert.True(pending.Collect(Direction.ServerToClient, "MTP ready\r\n220 go\r\n"u8, out _));
        Assert.Equal(MailProtocol.Smtp, pending.Identify(sawHandshake: true, out bool reversed));
        Assert.False(reversed);
    }
}
