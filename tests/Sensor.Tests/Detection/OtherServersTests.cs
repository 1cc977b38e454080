using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;
using Sensor.Tests.Protocols;

namespace Sensor.Tests.Detection;

/// <summary>
/// Servers other than the Postfix and Dovecot of the bundled captures, as their transcripts
/// look (Exchange, Exim, Gmail, Courier, Cyrus): parser, session builder and detector together.
/// </summary>
public class OtherServersTests
{
    private static List<(string Kind, string? Variant, string? User)> Judge(MailProtocol protocol, ushort port, Transcript transcript)
    {
        var session = new MailSession("t", protocol, Endpoint.Parse("198.51.100.7:50000"), Endpoint.Parse($"203.0.113.5:{port}"), 0, false, false);
        var builder = new SessionBuilder(session);
        var parser = MailParserFactory.Create(protocol, implicitTls: false);
        foreach (var (direction, bytes) in transcript.Parts)
            parser.Feed(direction, bytes, builder);
        parser.End(builder);
        var knowledge = new ServerKnowledge(DefaultRules.Rules, null);
        var detector = new SessionDetector(DefaultRules.Rules, knowledge);
        var findings = detector.Judge(session).ToList();
        if (detector.AwaitsStartTlsVerdict(session))
            findings.AddRange(detector.JudgeMissingStartTls(session) is { } late ? [late] : []);
        return findings.Select(f => (f.Kind, f.Variant, f.User)).ToList();
    }

    private const string ExchangeEhlo =
        "250-EX01.contoso.com Hello [198.51.100.7]\r\n250-SIZE 37748736\r\n250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n" +
        "250-STARTTLS\r\n250-X-ANONYMOUSTLS\r\n250-AUTH NTLM LOGIN\r\n250-X-EXPS GSSAPI NTLM\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250-XEXCH50\r\n250-XRDST\r\n250 XSHADOWREQUEST\r\n";

    [Fact]
    public void ExchangeCapabilitiesAreNotMistakenForAnOverwrite()
    {
        var t = new Transcript()
            .S("220 EX01.contoso.com Microsoft ESMTP MAIL Service ready at Sun, 29 Nov 2026 12:00:00 +0000\r\n")
            .C("EHLO client.example\r\n").S(ExchangeEhlo)
            .C("AUTH LOGIN\r\n").S("334 VXNlcm5hbWU6\r\n").C("am9obkBjb250b3NvLmNvbQ==\r\n").S("334 UGFzc3dvcmQ6\r\n")
            .C("c2VjcmV0\r\n").S("235 2.7.0 Authentication successful\r\n").C("QUIT\r\n").S("221 2.0.0 Closing\r\n");
        Assert.Equal([("plaintext-credential", "smtp-auth-login", "john@contoso.com")], Judge(MailProtocol.Smtp, 587, t));
    }

    [Fact]
    public void CiscoOverwriteOnEximIsMangled()
    {
        var t = new Transcript()
            .S("220 mx.example.net ESMTP Exim 4.96 Sun, 29 Nov 2026 12:00:00 +0000\r\n")
            .C("EHLO client.example\r\n")
            .S("250-mx.example.net Hello client.example [198.51.100.7]\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-XXXXXXXA\r\n250 HELP\r\n")
            .C("MAIL FROM:<a@example.org>\r\n").S("250 OK\r\n").C("QUIT\r\n").S("221 bye\r\n");
        Assert.Equal([("starttls-stripped", "mangled", null)], Judge(MailProtocol.Smtp, 25, t));
    }

    [Fact]
    public void MaskedBannerAndNoStartTlsIsRemovedByAMiddlebox()
    {
        var t = new Transcript()
            .S("220 ******************************************************\r\n")
            .C("EHLO client.example\r\n")
            .S("250-mx.example.net Hello\r\n250-SIZE 52428800\r\n250 PIPELINING\r\n")
            .C("QUIT\r\n").S("221 bye\r\n");
        Assert.Equal([("starttls-stripped", "removed", null)], Judge(MailProtocol.Smtp, 25, t));
    }

    [Fact]
    public void GmailStyleCleanUpgradeIsQuiet()
    {
        var t = new Transcript()
            .S("220 mx.google.com ESMTP a1-20020a170902 - gsmtp\r\n")
            .C("EHLO client.example\r\n")
            .S("250-mx.google.com at your service, [198.51.100.7]\r\n250-SIZE 157286400\r\n250-8BITMIME\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n")
            .C("STARTTLS\r\n").S("220 2.0.0 Ready to start TLS\r\n")
            .C([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00])
            .S([0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x03, .. new byte[32], 0x00, 0x13, 0x01, 0x00]);
        Assert.Empty(Judge(MailProtocol.Smtp, 25, t));
    }

    [Fact]
    public void CourierImapGreetingWithoutStartTlsAndALoginIsAbsentPlusCredential()
    {
        var t = new Transcript()
            .S("* OK [CAPABILITY IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE ACL ACL2=UNION] Courier-IMAP ready. Copyright 1998-2018 Double Precision, Inc.\r\n")
            .C("a001 LOGIN \"joe\" \"pa ss\"\r\n").S("a001 OK LOGIN Ok.\r\n").C("a002 LOGOUT\r\n").S("* BYE\r\na002 OK\r\n");
        Assert.Equal([("plaintext-credential", "imap-login", "joe"), ("starttls-absent", null, null)], Judge(MailProtocol.Imap, 143, t));
    }

    [Fact]
    public void ExchangeImapStartTlsRefusedAfterOfferIsRejected()
    {
        var t = new Transcript()
            .S("* OK The Microsoft Exchange IMAP4 service is ready.\r\n")
            .C("a1 CAPABILITY\r\n").S("* CAPABILITY IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI AUTH=PLAIN STARTTLS UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+\r\na1 OK CAPABILITY completed.\r\n")
            .C("a2 STARTTLS\r\n").S("a2 BAD Command Argument Error. 11\r\n")
            .C("a3 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n").S("a3 OK AUTHENTICATE completed.\r\n");
        Assert.Equal([("plaintext-credential", "imap-authenticate-plain", "joe"), ("starttls-stripped", "rejected", null)], Judge(MailProtocol.Imap, 143, t));
    }

    [Fact]
    public void Pop3CapaWithoutStlsFromExchangeIsAbsent()
    {
        var t = new Transcript()
            .S("+OK The Microsoft Exchange POP3 service is ready.\r\n")
            .C("CAPA\r\n").S("+OK\r\nTOP\r\nUIDL\r\nSASL NTLM GSSAPI PLAIN\r\nUSER\r\n.\r\n")
            .C("USER joe\r\n").S("+OK\r\n").C("PASS secret\r\n").S("-ERR Logon failure: unknown user name or bad password.\r\n");
        Assert.Equal([("plaintext-credential", "pop3-user-pass", "joe"), ("starttls-absent", null, null)], Judge(MailProtocol.Pop3, 110, t));
    }
}
