using System.Text;
using Sensor.Core.Protocols;

namespace Sensor.Tests.Protocols;

public class ReplyStanceTests
{
    private static StartTlsStance Read(MailProtocol protocol, string text, bool answersStartTls = false) =>
        ReplyStance.Read(protocol, Encoding.ASCII.GetBytes(text), answersStartTls);

    [Theory]
    // Postfix's EHLO reply (captures/smtp-starttls-clean.pcap) and the same with the line deleted and padded.
    [InlineData("250-mail.example.test              \r\n250-PIPELINING\r\n250 CHUNKING\r\n", StartTlsStance.NotOffered)]
    [InlineData("250-mail.example.test\r\n250 STARTTLS\r\n", StartTlsStance.Offered)]
    [InlineData("250 2.0.0 Ok\r\n", StartTlsStance.NotOffered)]
    [InlineData("354 End data with <CR><LF>.<CR><LF>\r\n", StartTlsStance.None)]
    public void Smtp_CapabilityLists(string reply, StartTlsStance expected) => Assert.Equal(expected, Read(MailProtocol.Smtp, reply));

    [Theory]
    [InlineData("220 2.0.0 Ready to start TLS\r\n", true, StartTlsStance.Accepted)]
    [InlineData("454 4.7.0 TLS not available due to local problem\r\n", true, StartTlsStance.Refused)]
    [InlineData("220 mail.example.test ESMTP Postfix\r\n", false, StartTlsStance.None)] // a greeting, no STARTTLS sent yet
    public void Smtp_AnswersToStartTls(string reply, bool answersStartTls, StartTlsStance expected) =>
        Assert.Equal(expected, Read(MailProtocol.Smtp, reply, answersStartTls));

    [Theory]
    [InlineData("* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN] Dovecot ready.\r\n", StartTlsStance.Offered)]
    [InlineData("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] Dovecot ready.\r\n", StartTlsStance.NotOffered)]
    [InlineData("* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n", StartTlsStance.Offered)]
    [InlineData("* CAPABILITY IMAP4rev1 XSTARTTLS\r\na1 OK done\r\n", StartTlsStance.NotOffered)]
    public void Imap_Capabilities(string reply, StartTlsStance expected) => Assert.Equal(expected, Read(MailProtocol.Imap, reply));

    [Theory]
    [InlineData("a2 OK Begin TLS negotiation now.\r\n", StartTlsStance.Accepted)]
    [InlineData("a2 NO [UNAVAILABLE] TLS not available\r\n", StartTlsStance.Refused)]
    [InlineData("* BYE going\r\n", StartTlsStance.None)]
    public void Imap_AnswersToStartTls(string reply, StartTlsStance expected) => Assert.Equal(expected, Read(MailProtocol.Imap, reply, true));

    [Theory]
    [InlineData("+OK\r\nCAPA\r\nTOP\r\nSTLS\r\nUSER\r\n.\r\n", false, StartTlsStance.Offered)]
    [InlineData("+OK\r\nCAPA\r\nTOP\r\nUSER\r\n.\r\n", false, StartTlsStance.NotOffered)]
    [InlineData("+OK Begin TLS negotiation now.\r\n", true, StartTlsStance.Accepted)]
    [InlineData("-ERR TLS not available\r\n", true, StartTlsStance.Refused)]
    public void Pop3(string reply, bool answersStartTls, StartTlsStance expected) => Assert.Equal(expected, Read(MailProtocol.Pop3, reply, answersStartTls));

    [Fact]
    public void BytesThatAreNoReply_SayNothing()
    {
        var flipped = Encoding.ASCII.GetBytes("250-mail\r\n250 STARTTLS\r\n").Select(b => (byte)~b).ToArray();
        Assert.Equal(StartTlsStance.None, ReplyStance.Read(MailProtocol.Smtp, flipped, false));
        Assert.Equal(StartTlsStance.None, ReplyStance.Read(MailProtocol.Imap, flipped, true));
    }
}
