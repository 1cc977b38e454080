using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Smtp;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

public class SmtpSessionParserTests
{
    private static readonly Func<IMailSessionParser> Smtp = () => new SmtpSessionParser();

    internal const string PostfixGreeting = "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n";
    internal const string PostfixEhlo =
        "250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n" +
        "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n";

    private static string B64(string text) => Convert.ToBase64String(Encoding.Latin1.GetBytes(text));

    private static Transcript Postfix() => new Transcript()
        .S(PostfixGreeting).C("EHLO client.example.net\r\n").S(PostfixEhlo);

    [Fact]
    public void Postfix_session_with_auth_plain_and_pipelined_messages()
    {
        var t = Postfix()
            .C($"AUTH PLAIN {B64("\0alice\0s3cret")}\r\n").S("235 2.7.0 Authentication successful\r\n")
            .C("MAIL FROM:<alice@example.net>\r\nRCPT TO:<bob@example.org>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n")
            .S("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n")
            .C($"Subject: hi\r\n\r\nAUTH PLAIN {B64("\0bob\0pw")}\r\n..leading dot\r\nQUIT\r\n.\r\n")
            .S("250 2.0.0 Ok: queued as 4Xyz1\r\n")
            .C("MAIL FROM:<alice@example.net>\r\nRCPT TO:<dave@example.org>\r\nDATA\r\n")
            .S("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n")
            .C("x\r\n.\r\nQUIT\r\n")
            .S("250 2.0.0 Ok: queued as 4Xyz2\r\n221 2.0.0 Bye\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Equal(
        [
            "GreetingEvent { Banner = 220 mail.example.org ESMTP Postfix (Debian/GNU), ServerName = mail.example.org }",
            "HeloEvent { Verb = EHLO, ClientName = client.example.net }",
            "Capabilities Ehlo: PIPELINING | SIZE 10240000 | VRFY | ETRN | STARTTLS | AUTH PLAIN LOGIN | ENHANCEDSTATUSCODES | 8BITMIME | DSN | SMTPUTF8 | CHUNKING",
            "CredentialEvent { Mechanism = PLAIN, Variant = smtp-auth-plain, Kind = Reusable, User = alice, Secret = s3cret }",
            "AuthResultEvent { Success = True, Status = 235 }",
            "MailTransactionEvent { }",
            // Subject line 13 + blank 2 + AUTH line 25 + ".leading dot" unstuffed 14 + QUIT 6
            "MessageEvent { Bytes = 60, Recipients = 2 }",
            "MailTransactionEvent { }",
            "MessageEvent { Bytes = 3, Recipients = 1 }",
        ], events);
    }

    [Fact]
    public void Auth_login_with_two_prompts()
    {
        var t = Postfix()
            .C("AUTH LOGIN\r\n").S("334 VXNlcm5hbWU6\r\n").C(B64("alice") + "\r\n")
            .S("334 UGFzc3dvcmQ6\r\n").C(B64("pass word") + "\r\n").S("535 5.7.8 Error: authentication failed\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);
        TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Contains(new CredentialEvent("LOGIN", "smtp-auth-login", CredentialKind.Reusable, "alice", "pass word"), events);
        Assert.Contains(new AuthResultEvent(false, "535"), events);
    }

    [Fact]
    public void Auth_login_with_initial_response()
    {
        var t = Postfix().C($"AUTH LOGIN {B64("alice")}\r\n").S("334 UGFzc3dvcmQ6\r\n").C(B64("pw") + "\r\n").S("235 2.7.0 ok\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.Contains(new CredentialEvent("LOGIN", "smtp-auth-login", CredentialKind.Reusable, "alice", "pw"), events);
    }

    [Fact]
    public void Auth_login_cut_short_yields_the_user_without_secret()
    {
        var t = Postfix().C("AUTH LOGIN\r\n").S("334 VXNlcm5hbWU6\r\n").C(B64("alice") + "\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.Equal(new CredentialEvent("LOGIN", "smtp-auth-login", CredentialKind.Reusable, "alice", null), events[^1]);
    }

    [Fact]
    public void Auth_plain_after_334_continuation()
    {
        var t = Postfix().C("AUTH PLAIN\r\n").S("334 \r\n").C(B64("admin\0alice\0pw") + "\r\n").S("235 2.7.0 ok\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Contains("CredentialEvent { Mechanism = PLAIN, Variant = smtp-auth-plain, Kind = Reusable, User = alice, Secret = pw }", events);
    }

    [Fact]
    public void Auth_cram_md5_is_crackable_material()
    {
        string challenge = "<1896.697170952@postoffice.example.net>";
        string response = "tim b913a602c7eda7a495b4e6e7334d3890";
        var t = Postfix().C("AUTH CRAM-MD5\r\n").S($"334 {B64(challenge)}\r\n").C(B64(response) + "\r\n").S("235 2.7.0 ok\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        var credential = Assert.Single(events.OfType<CredentialEvent>());
        Assert.Equal(new CredentialEvent("CRAM-MD5", "smtp-auth-cram-md5", CredentialKind.Crackable, "tim",
            $"$cram_md5${B64(challenge)}${B64(response)}"), credential);
    }

    [Fact]
    public void Auth_xoauth2_token_is_reusable()
    {
        var t = Postfix().C($"AUTH XOAUTH2 {B64("user=alice@example.org\u0001auth=Bearer ya29.vF9dft4qmT\u0001\u0001")}\r\n").S("235 2.7.0 Accepted\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.Contains(new CredentialEvent("XOAUTH2", "smtp-auth-xoauth2", CredentialKind.Reusable, "alice@example.org", "ya29.vF9dft4qmT"), events);
    }

    [Fact]
    public void Auth_ntlm_v1_from_msmtp_is_crackable_in_hashcat_5500_form()
    {
        // msmtp 1.8.23 (GNU SASL/libntlm) against an Exchange-style AUTH NTLM, bytes as captured.
        var t = Postfix().C("AUTH NTLM\r\n").S("334 \r\n")
            .C("TlRMTVNTUAABAAAAB7IAAAUABQAgAAAAAAAAACUAAABhbGljZQ==\r\n")
            .S("334 TlRMTVNTUAACAAAAAAAAADAAAAAFggAAASNFZ4mrze8AAAAAAAAAAAAAAAAwAAAA\r\n")
            .C("TlRMTVNTUAADAAAAGAAYAFQAAAAYABgAbAAAAAAAAABAAAAACgAKAEAAAAAKAAoASgAAAAAAAACEAAAABYIAAGEAbABpAGMAZQBhAGwAaQBjAGUAoj1BeYbms4EFHb9FqGwQZLvGvkSXvnzQB+OQKpFwxOJPs2RgtWN0vFEs0fEEhcJC\r\n")
            .S("235 2.7.0 Authentication successful\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.Contains(new CredentialEvent("NTLM", "smtp-auth-ntlm", CredentialKind.Crackable, "alice",
            "alice:::a23d417986e6b381051dbf45a86c1064bbc6be4497be7cd0:07e3902a9170c4e24fb36460b56374bc512cd1f10485c242:0123456789abcdef"), events);
    }

    [Fact]
    public void Auth_ntlm_v2_names_the_domain_and_splits_the_proof()
    {
        byte[] challenge = Convert.FromHexString("1122334455667788");
        byte[] type2 = [.. "NTLMSSP\0"u8, 2, 0, 0, 0, .. new byte[12], .. challenge, .. new byte[8]];
        byte[] nt = Convert.FromHexString("00112233445566778899aabbccddeeff010100000000000011223344");
        byte[] domain = Encoding.Unicode.GetBytes("CORP"), user = Encoding.Unicode.GetBytes("bob");
        var type3 = new List<byte>([.. "NTLMSSP\0"u8, 3, 0, 0, 0]);
        int offset = 64;
        foreach (var field in new[] { new byte[24], nt, domain, user, Array.Empty<byte>() })
        {
            type3.AddRange(BitConverter.GetBytes((ushort)field.Length));
            type3.AddRange(BitConverter.GetBytes((ushort)field.Length));
            type3.AddRange(BitConverter.GetBytes(offset));
            offset += field.Length;
        }
        type3.AddRange(new byte[8]); // session key field
        type3.AddRange(BitConverter.GetBytes(0x00000001)); // NTLMSSP_NEGOTIATE_UNICODE
        foreach (var field in new[] { new byte[24], nt, domain, user })
            type3.AddRange(field);
        var t = Postfix().C($"AUTH NTLM {Convert.ToBase64String("NTLMSSP\0\u0001\0\0\0\0\0\0\0"u8)}\r\n")
            .S($"334 {Convert.ToBase64String(type2)}\r\n").C($"{Convert.ToBase64String([.. type3])}\r\n").S("535 5.7.8 failed\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.Contains(new CredentialEvent("NTLM", "smtp-auth-ntlm", CredentialKind.Crackable, "CORP\\bob",
            "bob::CORP:1122334455667788:00112233445566778899aabbccddeeff:010100000000000011223344"), events);
    }

    [Fact]
    public void Auth_ntlm_with_a_field_outside_the_message_is_an_anomaly_not_a_credential()
    {
        byte[] type3 = [.. "NTLMSSP\0"u8, 3, 0, 0, 0, 24, 0, 24, 0, 0xff, 0xff, 0, 0, .. new byte[52]];
        var t = Postfix().C("AUTH NTLM\r\n").S("334 \r\n").C("TlRMTVNTUAABAAAAB7IAAA==\r\n").S("334 TlRMTVNTUAACAAAA\r\n")
            .C($"{Convert.ToBase64String(type3)}\r\n").S("535 5.7.8 failed\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.DoesNotContain(events, e => e is CredentialEvent);
        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "bad-sasl-message" });
    }

    [Fact]
    public void Auth_digest_md5_is_crackable()
    {
        string challenge = "realm=\"example.org\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";
        string response = "charset=utf-8,username=\"chris\",realm=\"example.org\",nonce=\"OA6MG9tEQGm2hh\",nc=00000001,cnonce=\"OA6MHXh6VqTrRk\",digest-uri=\"smtp/example.org\",response=d388dad90d4bbd760a152321f2143af7,qop=auth";
        var t = Postfix().C("AUTH DIGEST-MD5\r\n").S($"334 {B64(challenge)}\r\n").C(B64(response) + "\r\n")
            .S($"334 {B64("rspauth=ea40f60335c427b5527b84dbabcdfffd")}\r\n").C("\r\n").S("235 2.7.0 ok\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        var credential = Assert.Single(events.OfType<CredentialEvent>());
        Assert.Equal(("smtp-auth-digest-md5", CredentialKind.Crackable, "chris"), (credential.Variant, credential.Kind, credential.User));
        Assert.Contains("nonce=\"OA6MG9tEQGm2hh\"", credential.Secret);
        Assert.DoesNotContain(events, e => e is ProtocolAnomalyEvent);
    }

    [Fact]
    public void Auth_cancelled_with_star_then_bad_base64_is_an_anomaly()
    {
        var t = Postfix().C("AUTH PLAIN\r\n").S("334 \r\n").C("*\r\n").S("501 5.7.0 Authentication aborted\r\n")
            .C("AUTH PLAIN !!notbase64!!\r\n").S("501 5.5.2 Cannot decode response\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.DoesNotContain(events, e => e is CredentialEvent);
        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "bad-base64" });
        Assert.Equal(2, events.OfType<AuthResultEvent>().Count(a => a.Status == "501"));
    }

    [Fact]
    public void Masked_capability_is_passed_through_verbatim()
    {
        var t = new Transcript().S("220 *****************************\r\n").C("EHLO x\r\n")
            .S("250-mail.example.org\r\n250-PIPELINING\r\n250-XXXXXXXA\r\n250 8BITMIME\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Equal("GreetingEvent { Banner = 220 *****************************, ServerName =  }", events[0]);
        Assert.Equal("Capabilities Ehlo: PIPELINING | XXXXXXXA | 8BITMIME", events[2]);
    }

    [Fact]
    public void Starttls_refused_then_auth_in_the_clear()
    {
        var t = Postfix().C("STARTTLS\r\n").S("454 4.7.0 TLS not available due to local problem\r\n")
            .C($"AUTH PLAIN {B64("\0alice\0pw")}\r\n").S("235 2.7.0 ok\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Contains("StartTlsCommandEvent { }", events);
        Assert.Contains("StartTlsReplyEvent { Accepted = False, Status = 454, Text = 4.7.0 TLS not available due to local problem }", events);
        Assert.Contains(events, e => e.StartsWith("CredentialEvent", StringComparison.Ordinal));
    }

    [Fact]
    public void Commands_pipelined_behind_starttls_are_injected_bytes()
    {
        var t = Postfix().C("STARTTLS\r\nRSET\r\n").S("220 2.0.0 Ready to start TLS\r\n").C([0x16, 0x03, 0x01, 0x00, 0x05]);

        var events = EventText.Events(new SmtpSessionParser(), t);
        var rendered = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Contains(new InjectedBytesEvent(Direction.ClientToServer, 6, "RSET\\x0d\\x0a"), events);
        Assert.Contains(new StartTlsReplyEvent(true, "220", "2.0.0 Ready to start TLS"), events);
        Assert.Equal(rendered.Count, events.Count);
    }

    [Fact]
    public void Server_bytes_behind_the_go_ahead_are_injected()
    {
        var t = Postfix().C("STARTTLS\r\n").S("220 2.0.0 Ready to start TLS\r\n250 fake\r\n").C([0x16, 0x03, 0x01]);

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.Contains(new InjectedBytesEvent(Direction.ServerToClient, 10, "250 fake\\x0d\\x0a"), events);
    }

    [Fact]
    public void Plaintext_after_accepted_starttls_is_tls_not_started_and_still_parsed()
    {
        var t = Postfix().C("STARTTLS\r\n").S("220 2.0.0 Ready to start TLS\r\n")
            .C($"AUTH PLAIN {B64("\0alice\0pw")}\r\n").S("235 2.7.0 ok\r\n");

        var parser = new SmtpSessionParser();
        var events = EventText.Events(parser, t);
        TranscriptFeeder.EverySplit(Smtp, t);

        Assert.False(parser.InTls);
        Assert.Contains(new TlsNotStartedEvent(Direction.ClientToServer, $"AUTH PLAIN {B64("\0alice\0pw")}"), events);
        Assert.Contains(new CredentialEvent("PLAIN", "smtp-auth-plain", CredentialKind.Reusable, "alice", "pw"), events);
    }

    [Fact]
    public void Nothing_after_the_tls_switch_is_parsed_as_mail()
    {
        var t = Postfix().C("STARTTLS\r\n").S("220 2.0.0 Ready to start TLS\r\n")
            .C([0x16, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00])
            .C($"\r\nAUTH PLAIN {B64("\0alice\0pw")}\r\n").S("235 2.7.0 ok\r\n");

        var parser = new SmtpSessionParser();
        var events = EventText.Events(parser, t);

        Assert.True(parser.InTls);
        Assert.DoesNotContain(events, e => e is CredentialEvent or AuthResultEvent);
    }

    [Fact]
    public void Bdat_chunks_are_consumed_raw()
    {
        var t = Postfix()
            .C("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nBDAT 18\r\nQUIT\r\nRSET\r\nDATA\r\nBDAT 5 LAST\r\nhello")
            .S("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 Ok: 18 bytes\r\n250 2.0.0 Ok: queued\r\n")
            .C("QUIT\r\n").S("221 2.0.0 Bye\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Equal("MessageEvent { Bytes = 23, Recipients = 1 }", events[^1]);
    }

    [Fact]
    public void Gap_inside_data_resyncs_at_the_reply()
    {
        var t = Postfix().C("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n").S("250 ok\r\n250 ok\r\n354 go\r\n")
            .C("Subject: partial\r\nsome bo").Gap(Direction.ClientToServer).C("dy text\r\nmore\r\n")
            .S("250 2.0.0 Ok: queued\r\n").C($"AUTH PLAIN {B64("\0alice\0pw")}\r\n").S("235 ok\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "gap-resync", Detail: "client in DATA body" });
        Assert.Contains(new CredentialEvent("PLAIN", "smtp-auth-plain", CredentialKind.Reusable, "alice", "pw"), events);
    }

    [Fact]
    public void Gap_drops_the_tail_of_a_line()
    {
        var t = Postfix().C("MAIL FR").Gap(Direction.ClientToServer).C("OM:<a@x>\r\nQUIT\r\n").S("221 Bye\r\n");

        var events = EventText.Events(new SmtpSessionParser(), t);

        Assert.DoesNotContain(events, e => e is MailTransactionEvent);
        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "gap-resync" });
    }

    [Fact]
    public void Session_picked_up_mid_stream_parses_from_the_next_line()
    {
        var t = new Transcript().Gap(Direction.ServerToClient).Gap(Direction.ClientToServer)
            .C($"ail.example.net\r\nAUTH PLAIN {B64("\0alice\0pw")}\r\n").S("ESMTP\r\n235 2.7.0 ok\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Contains("CredentialEvent { Mechanism = PLAIN, Variant = smtp-auth-plain, Kind = Reusable, User = alice, Secret = pw }", events);
        Assert.Contains("AuthResultEvent { Success = True, Status = 235 }", events);
        Assert.DoesNotContain(events, e => e.StartsWith("GreetingEvent", StringComparison.Ordinal));
    }

    [Fact]
    public void Over_long_line_is_discarded_up_to_the_next_lf()
    {
        var t = Postfix().C(new string('A', 10000) + "\r\nMAIL FROM:<a@x>\r\n");

        var events = TranscriptFeeder.EverySplit(() => new SmtpSessionParser(maxLineBytes: 512), t);

        Assert.Single(events, e => e.Contains("line-too-long", StringComparison.Ordinal));
        Assert.Contains("MailTransactionEvent { }", events);
    }

    [Fact]
    public void Greeting_without_host_name_and_multiline_greeting()
    {
        var t = new Transcript().S("220-mx1.example.com ESMTP\r\n220 no spam please\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Equal("GreetingEvent { Banner = 220-mx1.example.com ESMTP, ServerName = mx1.example.com }", Assert.Single(events));
    }
    /// <summary>Postfix 3.7 postscreen, bytes of captures/smtp-postscreen-pregreet.pcap: the client talked first, so the "220 " line never came.</summary>
    [Fact]
    public void Greeting_cut_short_by_postscreen_ends_at_the_next_code()
    {
        var t = new Transcript().C("EHLO early.example.test\r\n")
            .S("220-screen.example.test ESMTP Postfix (Debian/GNU)\r\n")
            .S("250-screen.example.test\r\n250-SIZE 20480000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n")
            .C("MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n").S("250 2.1.0 Ok\r\n").S("550 5.5.1 Protocol error\r\n")
            .C("QUIT\r\n").S("221 2.0.0 Bye\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, t);

        Assert.Equal(
        [
            "HeloEvent { Verb = EHLO, ClientName = early.example.test }",
            "ProtocolAnomalyEvent { Direction = ServerToClient, Name = unterminated-reply, Detail = 220- reply without its last line }",
            "GreetingEvent { Banner = 220-screen.example.test ESMTP Postfix (Debian/GNU), ServerName = screen.example.test }",
            "Capabilities Ehlo: SIZE 20480000 | VRFY | ETRN | STARTTLS | ENHANCEDSTATUSCODES | 8BITMIME | DSN | SMTPUTF8 | CHUNKING",
            "MailTransactionEvent { }",
        ], events);
    }

    [Fact]
    public void Reply_lines_of_one_code_stay_one_reply_and_a_lone_stray_code_is_no_greeting()
    {
        var whole = new Transcript().S("220-mx1.example.com ESMTP\r\n220-second line\r\n220 no spam please\r\n")
            .C("EHLO c.example.net\r\n").S("250-mx1.example.com\r\n250 STARTTLS\r\n");
        var cut = new Transcript().S("220-mx1.example.com ESMTP\r\n554 5.7.1 go away\r\n");

        var events = TranscriptFeeder.EverySplit(Smtp, whole);
        var cutEvents = TranscriptFeeder.EverySplit(Smtp, cut);

        Assert.DoesNotContain(events, e => e.Contains("unterminated-reply", StringComparison.Ordinal));
        Assert.Contains("Capabilities Ehlo: STARTTLS", events);
        Assert.Equal(
        [
            "ProtocolAnomalyEvent { Direction = ServerToClient, Name = unterminated-reply, Detail = 220- reply without its last line }",
            "GreetingEvent { Banner = 220-mx1.example.com ESMTP, ServerName = mx1.example.com }",
        ], cutEvents);
    }
}
