using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Pop3;
using Sensor.Core.Protocols.Smtp;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

/// <summary>Exact credentials, flows that are not a mail dialogue, and the client's unknown commands.</summary>
public class WireSemanticsParserTests
{
    private static readonly Func<IMailSessionParser> Smtp = () => new SmtpSessionParser();
    private static readonly Func<IMailSessionParser> Imap = () => new ImapSessionParser();
    private static readonly Func<IMailSessionParser> Pop3 = () => new Pop3SessionParser();

    private const string Password = "Ünïcødé-Pä55\\x"; // one backslash
    private static readonly byte[] NotUtf8 = [(byte)'c', (byte)'a', (byte)'f', 0xe9, (byte)'-', (byte)'P', (byte)'a', (byte)'5', (byte)'5'];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>The events, after checking they are the same however the bytes are split.</summary>
    private static List<MailEvent> Events(Func<IMailSessionParser> create, Transcript t)
    {
        TranscriptFeeder.EverySplit(create, t);
        return EventText.Events(create(), t);
    }

    private static CredentialEvent Credential(Func<IMailSessionParser> parser, Transcript t) =>
        Assert.Single(Events(parser, t).OfType<CredentialEvent>());

    [Fact]
    public void Exact_text_is_utf8_and_unescaped_and_bytes_that_are_not_utf8_come_with_their_base64()
    {
        Assert.Equal(new ExactText(Password, null), ExactText.From(Utf8(Password)));
        Assert.Equal(new ExactText("caf\\xe9-Pa55", "Y2Fm6S1QYTU1"), ExactText.From(NotUtf8));
        Assert.Equal(new ExactText("a\rb", null), ExactText.From("a\rb"u8)); // control characters are the console's business
    }

    [Fact]
    public void Smtp_auth_plain_and_login_give_the_secret_exactly()
    {
        var plain = new Transcript().S(SmtpSessionParserTests.PostfixGreeting)
            .C($"AUTH PLAIN {B64([0, .. Utf8("dave"), 0, .. Utf8(Password)])}\r\n").S("235 2.7.0 ok\r\n");
        Assert.Equal(new CredentialEvent("PLAIN", "smtp-auth-plain", CredentialKind.Reusable, "dave", Password), Credential(Smtp, plain));

        var login = new Transcript().S(SmtpSessionParserTests.PostfixGreeting)
            .C("AUTH LOGIN\r\n").S("334 VXNlcm5hbWU6\r\n").C($"{B64(Utf8("dävé"))}\r\n").S("334 UGFzc3dvcmQ6\r\n")
            .C($"{B64(NotUtf8)}\r\n").S("535 5.7.8 no\r\n");
        Assert.Equal(new CredentialEvent("LOGIN", "smtp-auth-login", CredentialKind.Reusable, "dävé", "caf\\xe9-Pa55", null, "Y2Fm6S1QYTU1"),
            Credential(Smtp, login));
    }

    [Fact]
    public void Imap_quoted_login_is_unquoted_once_and_a_name_that_is_not_utf8_keeps_its_bytes()
    {
        var t = new Transcript().S("* OK ready\r\n")
            .C([.. "a1 LOGIN \""u8, 0xff, .. "x\" \"Ünïcødé-Pä55\\\\x\"\r\n"u8]).S("a1 OK done\r\n");
        Assert.Equal(new CredentialEvent("LOGIN", "imap-login", CredentialKind.Reusable, "\\xffx", Password, "/3g=", null), Credential(Imap, t));
    }

    [Fact]
    public void Pop3_pass_is_the_rest_of_the_line_exactly()
    {
        var t = new Transcript().S("+OK ready\r\n").C("USER dave\r\n").S("+OK\r\n").C([.. "PASS "u8, .. Utf8(Password), .. "\r\n"u8]).S("+OK in\r\n");
        Assert.Equal(new CredentialEvent("USER", "pop3-user-pass", CredentialKind.Reusable, "dave", Password), Credential(Pop3, t));
    }

    /// <summary>Postfix's bytes of smtp-http-post-port25.pcap: an HTTP POST whose body has STARTTLS and AUTH lines.</summary>
    [Fact]
    public void An_http_request_to_an_smtp_server_is_no_command_whatever_its_body_holds()
    {
        var t = new Transcript().S(SmtpSessionParserTests.PostfixGreeting)
            .C($"POST / HTTP/1.1\r\nHost: 127.0.0.1:25\r\nContent-Length: 80\r\n\r\nhello\r\nSTARTTLS\r\nAUTH PLAIN {B64("\0alice\0pw"u8.ToArray())}\r\n")
            .S("221 2.7.0 Error: I can break rules, too. Goodbye.\r\n");

        var events = Events(Smtp, t);

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "not-mail-client", Detail: "POST / HTTP/1.1" });
        Assert.DoesNotContain(events, e => e is StartTlsCommandEvent or CredentialEvent or InjectedBytesEvent or UnknownCommandEvent);
        Assert.Contains(events, e => e is GreetingEvent); // the server's side is still read
    }

    [Fact]
    public void A_server_that_does_not_speak_the_protocol_leaves_nothing_to_read()
    {
        var t = new Transcript().C("a1 STARTTLS\r\n").S("HTTP/1.1 400 Bad Request\r\n\r\n").C("a2 LOGIN bob hunter2\r\n");

        var events = Events(Imap, t);

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "not-mail-server" });
        Assert.DoesNotContain(events, e => e is InjectedBytesEvent or CredentialEvent);
    }

    [Fact]
    public void A_dialogue_picked_up_after_a_hole_is_not_judged_by_its_first_line()
    {
        var t = new Transcript().Gap(Direction.ClientToServer).Gap(Direction.ServerToClient)
            .C("tail of a lost line\r\nSTLS\r\n").S("+OK Begin TLS\r\n");

        Assert.Contains(Events(Pop3, t), e => e is StartTlsCommandEvent);
    }

    [Theory]
    [InlineData("smtp", "EHLO c\r\nXXXXXXXA\r\n", "XXXXXXXA")]
    [InlineData("imap", "a1 CAPABILITY\r\na2 XXXXXXXA\r\n", "XXXXXXXA")]
    [InlineData("pop3", "CAPA\r\nXXXX\r\n", "XXXX")]
    public void A_command_the_protocol_does_not_know_is_an_event_for_the_detectors(string protocol, string client, string verb)
    {
        var (parser, greeting) = protocol switch
        {
            "smtp" => (Smtp, SmtpSessionParserTests.PostfixGreeting),
            "imap" => (Imap, "* OK ready\r\n"),
            _ => (Pop3, "+OK ready\r\n"),
        };
        var events = Events(parser, new Transcript().S(greeting).C(client));

        Assert.Equal(new UnknownCommandEvent(verb), Assert.Single(events.OfType<UnknownCommandEvent>()));
    }
}
