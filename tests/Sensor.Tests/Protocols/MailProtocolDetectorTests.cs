using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Pop3;
using Sensor.Core.Protocols.Smtp;

namespace Sensor.Tests.Protocols;

public class MailProtocolDetectorTests
{
    [Theory]
    [InlineData(25, MailProtocol.Smtp, false)]
    [InlineData(465, MailProtocol.Smtp, true)]
    [InlineData(587, MailProtocol.Smtp, false)]
    [InlineData(2525, MailProtocol.Smtp, false)]
    [InlineData(143, MailProtocol.Imap, false)]
    [InlineData(993, MailProtocol.Imap, true)]
    [InlineData(110, MailProtocol.Pop3, false)]
    [InlineData(995, MailProtocol.Pop3, true)]
    public void Known_ports(ushort port, MailProtocol protocol, bool implicitTls)
    {
        Assert.Equal(protocol, MailProtocolDetector.ByPort(port, out bool tls));
        Assert.Equal(implicitTls, tls);
    }

    [Fact]
    public void Unknown_port_is_null() => Assert.Null(MailProtocolDetector.ByPort(8080, out _));

    [Theory]
    [InlineData("220 mx.example.org ESMTP Postfix\r\n", MailProtocol.Smtp)]
    [InlineData("220-mx.example.org esmtp ready\r\n", MailProtocol.Smtp)]
    [InlineData("* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", MailProtocol.Imap)]
    [InlineData("+OK Dovecot ready.\r\n", MailProtocol.Pop3)]
    [InlineData("220 ProFTPD Server ready\r\n", null)]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n", null)]
    [InlineData("", null)]
    public void Greetings(string greeting, MailProtocol? expected) =>
        Assert.Equal(expected, MailProtocolDetector.ByServerGreeting(Encoding.ASCII.GetBytes(greeting)));

    [Theory]
    [InlineData("220 submission.example.test Dovecot (Debian) ready.\r\n", true)]
    [InlineData("220-[127.0.0.1] welcome\r\n", true)]
    [InlineData("220 ProFTPD Server ready\r\n", true)] // FTP looks the same: the client's line decides
    [InlineData("220 mx.example.org ESMTP Postfix\r\n", false)] // says SMTP: known at once
    [InlineData("220 \r\n", false)]
    [InlineData("220\r\n", false)]
    [InlineData("250 ok\r\n", false)]
    public void Greetings_that_do_not_say_smtp(string greeting, bool unnamed) =>
        Assert.Equal(unnamed, MailProtocolDetector.IsUnnamedSmtpGreeting(Encoding.ASCII.GetBytes(greeting)));

    [Fact]
    public void Factory_makes_the_right_parser()
    {
        Assert.IsType<SmtpSessionParser>(MailParserFactory.Create(MailProtocol.Smtp, false));
        Assert.IsType<ImapSessionParser>(MailParserFactory.Create(MailProtocol.Imap, false));
        var pop3s = Assert.IsType<Pop3SessionParser>(MailParserFactory.Create(MailProtocol.Pop3, true));
        Assert.True(pop3s.InTls);
    }
}
