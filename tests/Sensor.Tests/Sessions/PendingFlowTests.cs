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

    /// <summary>Dovecot 2.3's submission service (captures/smtp-dovecot-submission.pcap) greets without the word SMTP.</summary>
    [Fact]
    public void AGreetingThatDoesNotSaySmtpWaitsForTheClientsHello()
    {
        var pending = new PendingFlow();
        Assert.False(pending.Collect(Direction.ServerToClient, "220 submission.example.test Dovecot (Debian) ready.\r\n"u8, out _));
        Assert.False(pending.Collect(Direction.ClientToServer, "EHLO client.exa"u8, out int first));
        Assert.Equal(15, first);
        Assert.True(pending.Collect(Direction.ClientToServer, "mple.test\r\nAUTH"u8, out int second));
        Assert.Equal(15, second); // up to the cap, the rest of the chunk too; the tracker feeds what is left
        Assert.Equal(MailProtocol.Smtp, pending.Identify(sawHandshake: true, out bool reversed));
        Assert.False(reversed);
        Assert.Equal("EHLO client.example.test\r\nAUTH"u8.ToArray(), pending.Answer.ToArray());
    }

    [Theory]
    [InlineData("220 (vsFTPd 3.0.3)\r\n", "USER anonymous\r\n")]
    [InlineData("220 ProFTPD Server (Debian) [127.0.0.1]\r\n", "AUTH TLS\r\n")]
    [InlineData("220 submission.example.test Dovecot (Debian) ready.\r\n", "GET / HTTP/1.1\r\n")]
    public void AGreetingThatDoesNotSaySmtpFollowedByAnythingButAHelloIsNotMail(string greeting, string clientLine)
    {
        var pending = new PendingFlow();
        Assert.False(pending.Collect(Direction.ServerToClient, System.Text.Encoding.ASCII.GetBytes(greeting), out _));
        Assert.True(pending.Collect(Direction.ClientToServer, System.Text.Encoding.ASCII.GetBytes(clientLine), out _));
        Assert.Null(pending.Identify(sawHandshake: true, out _));
    }

    [Fact]
    public void AGreetingThatSaysSmtpDecidesAtOnce()
    {
        var pending = new PendingFlow();
        Assert.True(pending.Collect(Direction.ServerToClient, "220 smtpd.example.test ESMTP OpenSMTPD\r\n"u8, out _));
        Assert.Equal(MailProtocol.Smtp, pending.Identify(sawHandshake: true, out _));
        Assert.True(pending.Answer.IsEmpty);
    }
}
