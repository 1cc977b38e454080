using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Pop3;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

public class Pop3SessionParserTests
{
    private static readonly Func<IMailSessionParser> Pop3 = () => new Pop3SessionParser();

    private const string DovecotGreeting = "+OK Dovecot (Debian) ready.\r\n";
    private const string DovecotCapa =
        "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n";

    private static string B64(string text) => Convert.ToBase64String(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void Dovecot_session_with_user_pass_and_retr_holding_status_lines()
    {
        string message = "From: a@example.org\r\nSubject: trap\r\n\r\n+OK this is body\r\n-ERR also body\r\n..stuffed\r\n";
        var t = new Transcript()
            .S(DovecotGreeting)
            .C("CAPA\r\n").S(DovecotCapa)
            .C("USER alice\r\n").S("+OK\r\n")
            .C("PASS pass word\r\n").S("+OK Logged in.\r\n")
            .C("STAT\r\nLIST\r\nRETR 1\r\n")
            .S("+OK 1 120\r\n+OK 1 messages:\r\n1 120\r\n.\r\n")
            .S($"+OK 120 octets\r\n{message}.\r\n")
            .C("QUIT\r\n").S("+OK Logging out.\r\n");

        var events = TranscriptFeeder.EverySplit(Pop3, t);

        Assert.Equal(
        [
            "GreetingEvent { Banner = +OK Dovecot (Debian) ready., ServerName =  }",
            "Capabilities Pop3Capa: CAPA | TOP | UIDL | RESP-CODES | PIPELINING | AUTH-RESP-CODE | STLS | USER | SASL PLAIN LOGIN",
            "CredentialEvent { Mechanism = USER, Variant = pop3-user-pass, Kind = Reusable, User = alice, Secret = pass word }",
            "AuthResultEvent { Success = True, Status = +OK }",
        ], events);
    }

    [Fact]
    public void Capa_refused_is_an_empty_capability_list()
    {
        var t = new Transcript().S("+OK POP3 ready\r\n").C("CAPA\r\n").S("-ERR unknown command\r\n")
            .C("USER alice\r\n").S("+OK\r\n");

        var events = TranscriptFeeder.EverySplit(Pop3, t);

        Assert.Equal(["GreetingEvent { Banner = +OK POP3 ready, ServerName =  }", "Capabilities Pop3Capa: "], events);
    }

    [Fact]
    public void Apop_is_crackable_with_the_greeting_timestamp()
    {
        var t = new Transcript().S("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n")
            .C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n").S("+OK maildrop has 1 message (369 octets)\r\n");

        var events = TranscriptFeeder.EverySplit(Pop3, t);

        Assert.Contains("CredentialEvent { Mechanism = APOP, Variant = pop3-apop, Kind = Crackable, User = mrose, Secret = <1896.697170952@dbc.mtview.ca.us>:c4c9334bac560ecc979e58001b3e22fb }", events);
        Assert.Contains("AuthResultEvent { Success = True, Status = +OK }", events);
    }

    [Fact]
    public void Auth_plain_with_initial_response_and_with_continuation()
    {
        var t = new Transcript().S(DovecotGreeting)
            .C($"AUTH PLAIN {B64("\0alice\0pw1")}\r\n").S("-ERR [AUTH] Authentication failed.\r\n")
            .C("AUTH PLAIN\r\n").S("+ \r\n").C(B64("\0alice\0pw2") + "\r\n").S("+OK Logged in.\r\n");

        var events = TranscriptFeeder.EverySplit(Pop3, t);

        Assert.Contains("CredentialEvent { Mechanism = PLAIN, Variant = pop3-auth-plain, Kind = Reusable, User = alice, Secret = pw1 }", events);
        Assert.Contains("CredentialEvent { Mechanism = PLAIN, Variant = pop3-auth-plain, Kind = Reusable, User = alice, Secret = pw2 }", events);
        Assert.Contains("AuthResultEvent { Success = False, Status = -ERR }", events);
    }

    [Fact]
    public void Auth_login_and_cram_md5()
    {
        var t = new Transcript().S(DovecotGreeting)
            .C("AUTH LOGIN\r\n").S("+ VXNlcm5hbWU6\r\n").C(B64("alice") + "\r\n").S("+ UGFzc3dvcmQ6\r\n").C(B64("pw") + "\r\n").S("+OK\r\n")
            .C("AUTH CRAM-MD5\r\n").S($"+ {B64("<1.2@x>")}\r\n").C(B64("tim 0123456789abcdef0123456789abcdef") + "\r\n").S("-ERR\r\n");

        var events = EventText.Events(new Pop3SessionParser(), t);

        Assert.Contains(new CredentialEvent("LOGIN", "pop3-auth-login", CredentialKind.Reusable, "alice", "pw"), events);
        Assert.Contains(events, e => e is CredentialEvent { Variant: "pop3-auth-cram-md5", Kind: CredentialKind.Crackable, User: "tim" });
    }

    [Fact]
    public void Stls_accepted_refused_and_stripped_from_capa()
    {
        var refused = new Transcript().S(DovecotGreeting).C("STLS\r\n").S("-ERR TLS support isn't enabled.\r\n").C("USER a\r\nPASS b\r\n");
        var accepted = new Transcript().S(DovecotGreeting).C("STLS\r\n").S("+OK Begin TLS negotiation now.\r\n").C([0x16, 0x03, 0x01]).C("PASS b\r\n");

        var refusedEvents = TranscriptFeeder.EverySplit(Pop3, refused);
        var parser = new Pop3SessionParser();
        var acceptedEvents = EventText.Events(parser, accepted);

        Assert.Contains("StartTlsReplyEvent { Accepted = False, Status = -ERR, Text = TLS support isn't enabled. }", refusedEvents);
        Assert.Contains(refusedEvents, e => e.StartsWith("CredentialEvent", StringComparison.Ordinal));
        Assert.True(parser.InTls);
        Assert.DoesNotContain(acceptedEvents, e => e is CredentialEvent);
    }

    [Fact]
    public void Gap_inside_retr_resyncs_at_the_end_of_the_body()
    {
        var t = new Transcript().S(DovecotGreeting).C("RETR 1\r\nUSER alice\r\n").S("+OK 100 octets\r\nSubject: x\r\npart")
            .Gap(Direction.ServerToClient).S("ial line\r\n+OK fake\r\n.\r\n+OK\r\n").C("PASS pw\r\n").S("+OK Logged in.\r\n");

        var events = EventText.Events(new Pop3SessionParser(), t);

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "gap-resync", Detail: "server in multi-line response" });
        Assert.Contains(new AuthResultEvent(true, "+OK"), events);
    }
}
