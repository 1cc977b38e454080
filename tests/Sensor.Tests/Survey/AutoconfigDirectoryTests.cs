using System.Text;
using Sensor.Core.Probing;
using Sensor.Core.Survey;

namespace Sensor.Tests.Survey;

/// <summary>ISPDB autoconfig files (the clientConfig 1.1 format of Thunderbird's ISPDB) read into survey targets.</summary>
public class AutoconfigDirectoryTests
{
    /// <summary>Shaped like the ISPDB's files: comments, documentation, a username placeholder, two SMTP servers.</summary>
    public const string MailboxStyle = """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="mailbox.test">
            <domain>mailbox.test</domain>
            <displayName>mailbox.test</displayName>
            <!-- IMAP 993 (SSL/TLS), SMTP 465 (SSL/TLS) or 587 (STARTTLS) -->
            <incomingServer type="imap">
              <hostname>imap.mailbox.test</hostname>
              <port>993</port>
              <socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username>
              <authentication>password-cleartext</authentication>
            </incomingServer>
            <incomingServer type="pop3">
              <hostname>pop.%EMAILDOMAIN%</hostname>
              <socketType>STARTTLS</socketType>
            </incomingServer>
            <incomingServer type="exchange">
              <hostname>outlook.mailbox.test</hostname>
            </incomingServer>
            <outgoingServer type="smtp">
              <hostname>smtp.mailbox.test</hostname>
              <port>465</port>
              <socketType>SSL</socketType>
            </outgoingServer>
            <outgoingServer type="smtp">
              <hostname>smtp.mailbox.test</hostname>
              <port>587</port>
              <socketType>STARTTLS</socketType>
            </outgoingServer>
            <outgoingServer type="smtp">
              <hostname>smtp.mailbox.test</hostname>
              <port>587</port>
              <socketType>STARTTLS</socketType>
            </outgoingServer>
            <documentation url="https://mailbox.test/help"><descr lang="en">E-mail configuration</descr></documentation>
          </emailProvider>
        </clientConfig>
        """;

    private static IReadOnlyList<ProbeTarget> Parse(string xml, string domain = "mailbox.test") =>
        AutoconfigDirectory.Parse(domain, new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void ServersComeWithProtocolPortAndTlsAtConnect()
    {
        var servers = Parse(MailboxStyle).Select(t => (t.Host, t.Port, t.Protocol, t.ImplicitTls, t.PortGiven)).ToList();
        Assert.Equal(
        [
            ("imap.mailbox.test", 993, ProbeProtocol.Imap, true, true),
            // no <port>: POP3's plain port for STARTTLS; %EMAILDOMAIN% is the file's domain
            ("pop.mailbox.test", 110, ProbeProtocol.Pop3, false, true),
            ("smtp.mailbox.test", 465, ProbeProtocol.Smtp, true, true),
            ("smtp.mailbox.test", 587, ProbeProtocol.Smtp, false, true),
        ], servers);
    }

    [Fact]
    public void SslOnAnUnusualPortIsStillTlsAtConnect()
    {
        var target = Assert.Single(Parse("<clientConfig><emailProvider><outgoingServer type=\"smtp\"><hostname>127.0.0.1</hostname><port>2465</port><socketType>SSL</socketType></outgoingServer></emailProvider></clientConfig>"));
        Assert.Equal(("127.0.0.1", 2465, true), (target.Host, target.Port, target.ImplicitTls));
    }

    [Theory]
    [InlineData("<clientConfig><emailProvider>", "not well-formed XML: ")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><clientConfig>&lol2;</clientConfig>", "not well-formed XML: For security reasons DTD is prohibited")]
    [InlineData("<html><body/></html>", "the root element is <html>, not <clientConfig>")]
    [InlineData("<clientConfig><emailProvider><incomingServer type=\"imap\"><port>993</port></incomingServer></emailProvider></clientConfig>", "<incomingServer type=\"imap\"> has no <hostname>")]
    [InlineData("<clientConfig><emailProvider><incomingServer type=\"imap\"><hostname>imap.x.test</hostname><socketType>TLS</socketType></incomingServer></emailProvider></clientConfig>", "imap.x.test: unknown socketType 'TLS' (SSL, STARTTLS or plain)")]
    [InlineData("<clientConfig><emailProvider><incomingServer type=\"imap\"><hostname>imap.x.test</hostname><port>99999</port></incomingServer></emailProvider></clientConfig>", "imap.x.test:99999: port must be a number from 1 to 65535")]
    [InlineData("<clientConfig><emailProvider><incomingServer type=\"imap\"><hostname>%EMAILLOCALPART%.x.test</hostname></incomingServer></emailProvider></clientConfig>", "%EMAILLOCALPART%.x.test:143: '%EMAILLOCALPART%.x.test' is not a host name or IP address")]
    public void BadFileIsOneClearError(string xml, string message) =>
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => Parse(xml)).Message);

    [Fact]
    public void DirectoryIsReadInNameOrderWithOrWithoutXmlSuffix()
    {
        var dir = Directory.CreateTempSubdirectory("sensor-ispdb-").FullName;
        File.WriteAllText(Path.Combine(dir, "mailbox.test.xml"), MailboxStyle);
        File.WriteAllText(Path.Combine(dir, "b.test"), "<clientConfig><emailProvider><incomingServer type=\"imap\"><hostname>imap.%EMAILDOMAIN%</hostname></incomingServer></emailProvider></clientConfig>");
        File.WriteAllText(Path.Combine(dir, "exchange-only.test.xml"), "<clientConfig><emailProvider><incomingServer type=\"exchange\"><hostname>x.test</hostname></incomingServer></emailProvider></clientConfig>");
        File.WriteAllText(Path.Combine(dir, ".hidden"), "not xml");
        var input = AutoconfigDirectory.Read(dir);
        Assert.Equal(["b.test", "mailbox.test"], input.Entries);
        Assert.Equal("imap.b.test:143", Assert.Single(input.TargetsOf("b.test")).Display);
        Assert.Equal(4, input.TargetsOf("mailbox.test").Count);
        Assert.Equal(input.Id("local"), AutoconfigDirectory.Read(dir).Id("local"));
        File.WriteAllText(Path.Combine(dir, "b.test"), "<clientConfig><emailProvider><incomingServer type=\"imap\"><hostname>imap.%EMAILDOMAIN%</hostname><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>");
        Assert.NotEqual(input.Id("local"), AutoconfigDirectory.Read(dir).Id("local"));

        File.WriteAllText(Path.Combine(dir, "broken.test.xml"), "<clientConfig>");
        Assert.StartsWith("broken.test.xml: not well-formed XML", Assert.Throws<FormatException>(() => AutoconfigDirectory.Read(dir)).Message);
    }
}
