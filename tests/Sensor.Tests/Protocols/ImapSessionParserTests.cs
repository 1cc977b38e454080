using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

public class ImapSessionParserTests
{
    private static readonly Func<IMailSessionParser> Imap = () => new ImapSessionParser();

    internal const string DovecotGreeting =
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n";

    private static string B64(string text) => Convert.ToBase64String(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void Dovecot_session_with_quoted_login_fetch_and_append_literals()
    {
        string fetched = "Subject: trap\r\n\r\na5 OK fake\r\n* CAPABILITY X\r\n+ \r\n";
        string appended = "From: x\r\n\r\na6 LOGIN bob pw\r\n";
        var t = new Transcript()
            .S(DovecotGreeting)
            .C("a1 CAPABILITY\r\n")
            .S("* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN\r\n" +
               "a1 OK Pre-login capabilities listed, post-login capabilities have more.\r\n")
            .C("a2 LOGIN alice \"pa\\\"ss\\\\word\"\r\n")
            .S("a2 OK [CAPABILITY IMAP4rev1 SASL-IR IDLE MOVE] Logged in\r\n")
            .C("a3 SELECT INBOX\r\n")
            .S("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 1 EXISTS\r\na3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n")
            .C("a4 FETCH 1 BODY[]\r\n")
            .S($"* 1 FETCH (BODY[] {{{fetched.Length}}}\r\n{fetched})\r\na4 OK Fetch completed (0.001 + 0.000 secs).\r\n")
            .C($"a5 APPEND INBOX {{{appended.Length}+}}\r\n{appended}\r\n")
            .S("a5 OK [APPENDUID 1700000000 2] Append completed.\r\n")
            .C("a6 LOGOUT\r\n")
            .S("* BYE Logging out\r\na6 OK Logout completed.\r\n");

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Equal(
        [
            "GreetingEvent { Banner = " + DovecotGreeting.TrimEnd() + ", ServerName =  }",
            "Capabilities ImapGreeting: IMAP4rev1 | SASL-IR | LOGIN-REFERRALS | ID | ENABLE | IDLE | LITERAL+ | STARTTLS | AUTH=PLAIN",
            "Capabilities ImapCapability: IMAP4rev1 | SASL-IR | LOGIN-REFERRALS | ID | ENABLE | IDLE | LITERAL+ | STARTTLS | AUTH=PLAIN",
            "CredentialEvent { Mechanism = LOGIN, Variant = imap-login, Kind = Reusable, User = alice, Secret = pa\"ss\\word }", // quoting undone: one backslash, as the password has
            "Capabilities ImapCapability: IMAP4rev1 | SASL-IR | IDLE | MOVE",
            "AuthResultEvent { Success = True, Status = OK }",
        ], events);
    }

    [Fact]
    public void Login_with_synchronizing_literals()
    {
        var t = new Transcript().S(DovecotGreeting)
            .C("a1 LOGIN {5}\r\n").S("+ OK\r\n").C("alice {6}\r\n").S("+ OK\r\n").C("se\"c r\r\n").S("a1 OK Logged in\r\n");

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Contains("CredentialEvent { Mechanism = LOGIN, Variant = imap-login, Kind = Reusable, User = alice, Secret = se\"c r }", events);
    }

    [Fact]
    public void Login_with_non_synchronizing_literals()
    {
        var t = new Transcript().S(DovecotGreeting).C("a1 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n").S("a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Contains("CredentialEvent { Mechanism = LOGIN, Variant = imap-login, Kind = Reusable, User = alice, Secret = secret }", events);
        Assert.Contains("AuthResultEvent { Success = False, Status = NO }", events);
    }

    [Fact]
    public void Login_with_atom_user_and_literal_password()
    {
        var t = new Transcript().S(DovecotGreeting).C("a1 login alice {2}\r\n").S("+ OK\r\n").C("pw\r\n").S("a1 OK\r\n");

        var events = EventText.Events(new ImapSessionParser(), t);

        Assert.Contains(new CredentialEvent("LOGIN", "imap-login", CredentialKind.Reusable, "alice", "pw"), events);
    }

    [Fact]
    public void Authenticate_plain_with_continuation()
    {
        var t = new Transcript().S(DovecotGreeting)
            .C("A001 AUTHENTICATE PLAIN\r\n").S("+ \r\n").C(B64("\0alice\0pw") + "\r\n").S("A001 OK Logged in\r\n");

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Contains("CredentialEvent { Mechanism = PLAIN, Variant = imap-authenticate-plain, Kind = Reusable, User = alice, Secret = pw }", events);
        Assert.Contains("AuthResultEvent { Success = True, Status = OK }", events);
    }

    [Fact]
    public void Authenticate_plain_with_sasl_ir()
    {
        var t = new Transcript().S(DovecotGreeting).C($"a AUTHENTICATE PLAIN {B64("\0alice\0pw")}\r\n").S("a OK Logged in\r\n");

        var events = EventText.Events(new ImapSessionParser(), t);

        Assert.Contains(new CredentialEvent("PLAIN", "imap-authenticate-plain", CredentialKind.Reusable, "alice", "pw"), events);
    }

    [Fact]
    public void Authenticate_scram_sha_256_is_crackable_with_all_three_messages()
    {
        // RFC 7677 §3's exchange, sent the way GNU SASL's gsasl --imap does (no SASL-IR, empty first "+").
        string first = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
        string server = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        string final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        var t = new Transcript().S(DovecotGreeting)
            .C(". AUTHENTICATE SCRAM-SHA-256\r\n").S("+ \r\n").C(B64(first) + "\r\n").S($"+ {B64(server)}\r\n")
            .C(B64(final) + "\r\n").S($"+ {B64("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")}\r\n").C("\r\n").S(". OK Logged in\r\n");

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Contains($"CredentialEvent {{ Mechanism = SCRAM-SHA-256, Variant = imap-authenticate-scram-sha-256, Kind = Crackable, User = user, Secret = $scram$SCRAM-SHA-256${B64(first)}${B64(server)}${B64(final)} }}", events);
        Assert.Contains("AuthResultEvent { Success = True, Status = OK }", events);
    }

    [Fact]
    public void Authenticate_scram_decodes_the_saslname_and_waits_for_the_proof()
    {
        var t = new Transcript().S(DovecotGreeting)
            .C($"1 AUTHENTICATE SCRAM-SHA-1 {B64("n,a=admin,n=al=2Cice=3D,r=abc")}\r\n").S($"+ {B64("r=abcdef,s=c2FsdA==,i=4096")}\r\n")
            .C("*\r\n").S("1 BAD Authentication aborted by client.\r\n")
            .C($"2 AUTHENTICATE SCRAM-SHA-1 {B64("n,,n=al=2Cice=3D,r=abc")}\r\n").S($"+ {B64("r=abcdef,s=c2FsdA==,i=4096")}\r\n")
            .C(B64("c=biws,r=abcdef,p=cHJvb2Y=") + "\r\n").S("2 NO [AUTHENTICATIONFAILED] failed\r\n");

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Single(events, e => e.StartsWith("CredentialEvent", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("Variant = imap-authenticate-scram-sha-1, Kind = Crackable, User = al,ice=,", StringComparison.Ordinal));
    }

    [Fact]
    public void Authenticate_login_cram_md5_and_xoauth2()
    {
        string challenge = "<1896.697170952@postoffice.example.net>";
        var t = new Transcript().S(DovecotGreeting)
            .C("1 AUTHENTICATE LOGIN\r\n").S("+ VXNlcm5hbWU6\r\n").C(B64("alice") + "\r\n").S("+ UGFzc3dvcmQ6\r\n").C(B64("pw") + "\r\n").S("1 NO failed\r\n")
            .C("2 AUTHENTICATE CRAM-MD5\r\n").S($"+ {B64(challenge)}\r\n").C(B64("tim b913a602c7eda7a495b4e6e7334d3890") + "\r\n").S("2 NO failed\r\n")
            .C($"3 AUTHENTICATE XOAUTH2 {B64("user=alice\u0001auth=Bearer tok\u0001\u0001")}\r\n").S("3 OK\r\n");

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Contains("CredentialEvent { Mechanism = LOGIN, Variant = imap-authenticate-login, Kind = Reusable, User = alice, Secret = pw }", events);
        Assert.Contains(events, e => e.Contains("Variant = imap-authenticate-cram-md5, Kind = Crackable, User = tim", StringComparison.Ordinal));
        Assert.Contains("CredentialEvent { Mechanism = XOAUTH2, Variant = imap-authenticate-xoauth2, Kind = Reusable, User = alice, Secret = tok }", events);
    }

    [Fact]
    public void Starttls_accepted_switches_to_tls_and_refused_is_reported()
    {
        var accepted = new Transcript().S(DovecotGreeting).C("a STARTTLS\r\n").S("a OK Begin TLS negotiation now.\r\n").C([0x16, 0x03, 0x01, 0x00, 0x01, 0x01]);
        var refused = new Transcript().S(DovecotGreeting).C("a STARTTLS\r\n").S("a BAD STARTTLS disabled\r\n").C("b LOGIN alice pw\r\n");

        var parser = new ImapSessionParser();
        var acceptedEvents = EventText.Events(parser, accepted);
        var refusedEvents = TranscriptFeeder.EverySplit(Imap, refused);

        Assert.True(parser.InTls);
        Assert.Contains(new StartTlsReplyEvent(true, "OK", "Begin TLS negotiation now."), acceptedEvents);
        Assert.Contains("StartTlsReplyEvent { Accepted = False, Status = BAD, Text = STARTTLS disabled }", refusedEvents);
        Assert.Contains(refusedEvents, e => e.StartsWith("CredentialEvent", StringComparison.Ordinal));
    }

    [Fact]
    public void Command_pipelined_behind_starttls_is_injected()
    {
        var t = new Transcript().S(DovecotGreeting).C("a STARTTLS\r\nb CAPABILITY\r\n").S("a OK Begin TLS negotiation now.\r\n").C([0x16, 0x03]);

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Contains("InjectedBytesEvent { Direction = ClientToServer, Length = 14, Preview = b CAPABILITY\\x0d\\x0a }", events);
    }

    [Fact]
    public void Preauth_greeting_is_named()
    {
        var t = new Transcript().S("* PREAUTH [CAPABILITY IMAP4rev1] IMAP4rev1 server logged in as alice\r\n");

        var events = EventText.Events(new ImapSessionParser(), t);

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "preauth-greeting" });
    }

    [Fact]
    public void Refused_synchronizing_literal_is_not_awaited()
    {
        var t = new Transcript().S(DovecotGreeting).C("a1 LOGIN {500}\r\n").S("a1 BAD Literal too large\r\n").C("a2 LOGIN bob pw\r\n");

        var events = EventText.Events(new ImapSessionParser(), t);

        Assert.Contains(new CredentialEvent("LOGIN", "imap-login", CredentialKind.Reusable, "bob", "pw"), events);
    }

    [Fact]
    public void Huge_and_bad_literal_counts_are_anomalies()
    {
        var t = new Transcript().S(DovecotGreeting)
            .C("a1 APPEND INBOX {99999999999999999999}\r\na2 LOGIN bob pw\r\n")
            .C("a3 LOGIN {100000+}\r\n" + new string('u', 100000) + " pw\r\n");

        var events = EventText.Events(new ImapSessionParser(), t);

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "bad-literal" });
        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "literal-too-large" });
        Assert.Contains(new CredentialEvent("LOGIN", "imap-login", CredentialKind.Reusable, "bob", "pw"), events);
        Assert.Contains(new CredentialEvent("LOGIN", "imap-login", CredentialKind.Reusable, null, "pw"), events);
    }

    [Fact]
    public void Gap_inside_a_literal_resyncs_on_the_next_command()
    {
        var t = new Transcript().S(DovecotGreeting).C("a1 APPEND INBOX {1000+}\r\nFrom: x\r\n").Gap(Direction.ClientToServer)
            .C("tail of message\r\na2 LOGIN bob pw\r\n");

        var events = EventText.Events(new ImapSessionParser(), t);

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "gap-resync", Detail: "client in literal" });
        Assert.Contains(new CredentialEvent("LOGIN", "imap-login", CredentialKind.Reusable, "bob", "pw"), events);
    }
}
