using Sensor.Core.Detection;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;
using static Sensor.Tests.Detection.SessionFactory;

namespace Sensor.Tests.Detection;

public class SessionDetectorTests
{
    private static (SessionDetector detector, ServerKnowledge knowledge) Make(RuleSet? rules = null)
    {
        var knowledge = new ServerKnowledge(rules ?? DefaultRules.Rules, history: null);
        return (new SessionDetector(rules ?? DefaultRules.Rules, knowledge), knowledge);
    }

    private static List<(string Kind, string? Variant, string? User)> JudgeAll(SessionDetector detector, ServerKnowledge knowledge, params MailSession[] sessions)
    {
        var findings = new List<Finding>();
        foreach (var s in sessions)
        {
            knowledge.Observe(s);
            findings.AddRange(detector.Judge(s));
        }
        foreach (var s in sessions.Where(detector.AwaitsStartTlsVerdict))
            findings.AddRange(detector.JudgeMissingStartTls(s) is { } late ? [late] : []);
        return findings.Select(f => (f.Kind, f.Variant, f.User)).ToList();
    }

    [Fact]
    public void CleanStartTlsSessionYieldsNothing()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("PIPELINING", "STARTTLS"),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "220", "Ready"),
            new TlsServerHelloEvent("TLSv1.3", 0x1302, "TLS_AES_256_GCM_SHA384"));
        Assert.Empty(JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void A_user_name_that_is_not_utf8_comes_with_its_bytes_and_the_secrets_bytes_stay_apart()
    {
        var (detector, _) = Make();
        var session = Build(MailProtocol.Pop3, "127.0.0.1:110", new GreetingEvent("+OK", null),
            new CredentialEvent("USER", "pop3-user-pass", CredentialKind.Reusable, "\\xffx", "caf\\xe9", "/3g=", "Y2Fm6Q=="));
        var finding = Assert.Single(detector.Judge(session));
        Assert.Equal("\\xffx", finding.User);
        Assert.Equal("/3g=", finding.Evidence.Single(e => e.Key == "user_base64").Value);
        Assert.DoesNotContain(finding.Evidence, e => e.Value as string is "Y2Fm6Q==" or "caf\\xe9"); // the secret only in Secret / SecretBase64
        Assert.Equal(("caf\\xe9", "Y2Fm6Q=="), (finding.Secret, finding.SecretBase64));
    }

    [Fact]
    public void CleartextPlainCredentialNamesTheUser()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:587", SmtpGreeting(), Ehlo("STARTTLS", "AUTH PLAIN LOGIN"),
            new CredentialEvent("PLAIN", "smtp-auth-plain", CredentialKind.Reusable, "alice@example.test", "S3cret"));
        var findings = detector.Judge(session).ToList();
        var finding = Assert.Single(findings);
        Assert.Equal(("plaintext-credential", "smtp-auth-plain", "alice@example.test"), (finding.Kind, finding.Variant, finding.User));
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("S3cret", finding.Secret);
        Assert.DoesNotContain(finding.Evidence, e => e.Value as string == "S3cret");
    }

    [Fact]
    public void CramMd5IsCrackable()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:587", SmtpGreeting(), Ehlo("STARTTLS"),
            new CredentialEvent("CRAM-MD5", "smtp-auth-cram-md5", CredentialKind.Crackable, "bob", "bob:<1.2@x>:abcd"));
        Assert.Equal([("crackable-credential", "smtp-auth-cram-md5", "bob")], JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void MangledCapabilityIsStrippedMangledOnly()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("PIPELINING", "XXXXXXXA", "8BITMIME"));
        Assert.Equal([("starttls-stripped", "mangled", null)], JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void RemovedWhenTheSameBannerHostOfferedItInAnotherLegEvenLater()
    {
        var (detector, knowledge) = Make();
        var downstream = Build(MailProtocol.Smtp, "127.0.0.2:25", SmtpGreeting(), Ehlo("PIPELINING", "AUTH PLAIN"));
        var upstream = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("PIPELINING", "STARTTLS", "AUTH PLAIN"));
        Assert.Equal([("starttls-stripped", "removed", null)], JudgeAll(detector, knowledge, downstream, upstream));
    }

    [Fact]
    public void TheSameBannerHostOfferingItOnAnotherPortSaysNothingOfThisOne()
    {
        // aiosmtpd-style: submission on 587 with STARTTLS, port 25 of the same host without, by design
        var (detector, knowledge) = Make();
        var submission = Build(MailProtocol.Smtp, "127.0.0.1:587", SmtpGreeting(), Ehlo("PIPELINING", "STARTTLS", "AUTH PLAIN"));
        var relay = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("PIPELINING"));
        Assert.Equal([("starttls-absent", null, null)], JudgeAll(detector, knowledge, submission, relay));
    }

    [Fact]
    public void AbsentWhenNothingSaysItShouldBeThere()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("PIPELINING"));
        var finding = Assert.Single(JudgeAll(detector, knowledge, session));
        Assert.Equal(("starttls-absent", null, null), finding);
    }

    [Fact]
    public void Pop3CapaRefusedIsAbsent_AndRemovedWhenTheServerIsKnownToOfferStls()
    {
        var (detector, knowledge) = Make();
        var refused = Build(MailProtocol.Pop3, "127.0.0.1:110", new GreetingEvent("+OK ready", null), new CapabilitiesEvent([], CapabilitySource.Pop3Capa));
        Assert.Equal([("starttls-absent", null, null)], JudgeAll(detector, knowledge, refused));

        (detector, knowledge) = Make();
        var earlier = Build(MailProtocol.Pop3, "127.0.0.1:110", new GreetingEvent("+OK ready", null), new CapabilitiesEvent(["USER", "STLS"], CapabilitySource.Pop3Capa));
        var hidden = Build(MailProtocol.Pop3, "127.0.0.1:110", new GreetingEvent("+OK ready", null), new CapabilitiesEvent([], CapabilitySource.Pop3Capa));
        Assert.Equal([("starttls-stripped", "removed", null)], JudgeAll(detector, knowledge, earlier, hidden));
    }

    [Fact]
    public void NoVerdictWithoutCapabilitiesSeen()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Pop3, "127.0.0.1:110", new GreetingEvent("+OK Dovecot ready.", null));
        Assert.Empty(JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void PolicyMakesAbsentRemoved()
    {
        var rules = RuleFileLoader.Parse("version: 1\nrequire_starttls:\n  - server_name: '*.example.test'\n", "t.yaml", DefaultRules.Rules);
        var (detector, knowledge) = Make(rules);
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting("mx1.example.test"), Ehlo("PIPELINING"));
        Assert.Equal([("starttls-stripped", "removed", null)], JudgeAll(detector, knowledge, session));
    }

    [Theory]
    [InlineData("454", true)]
    [InlineData("502", true)]
    [InlineData("220", false)]
    public void RefusalOfAnOfferedStartTlsIsRejected(string status, bool rejected)
    {
        var (detector, knowledge) = Make();
        bool accepted = status == "220";
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("STARTTLS"),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(accepted, status, "x"),
            new TlsServerHelloEvent("TLSv1.2", 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        var findings = JudgeAll(detector, knowledge, session);
        Assert.Equal(rejected ? [("starttls-stripped", "rejected", null)] : [], findings);
    }

    [Fact]
    public void RefusalFromAServerThatNeverOfferedIsOnlyAbsent()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("PIPELINING"),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(false, "502", "5.5.1 unrecognized"));
        Assert.Equal([("starttls-absent", null, null)], JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void AcceptedWithoutHandshakeIsNotCompleted()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Imap, "127.0.0.1:143", new GreetingEvent("* OK ready", null),
            new CapabilitiesEvent(["IMAP4rev1", "STARTTLS"], CapabilitySource.ImapGreeting),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "OK", "Begin TLS"));
        Assert.Equal([("starttls-stripped", "not-completed", null)], JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void AServerClosingOnALegacyOnlyClientHelloIsALowConfidenceNotCompleted()
    {
        // openssl s_client -tls1 to Dovecot: 220-style OK, a TLS 1.0-only ClientHello, the server closes.
        var (detector, knowledge) = Make();
        var legacy = Build(MailProtocol.Imap, "127.0.0.1:143", new GreetingEvent("* OK ready", null),
            new CapabilitiesEvent(["IMAP4rev1", "STARTTLS"], CapabilitySource.ImapGreeting),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "OK", "Begin TLS"),
            new TlsClientHelloEvent(null, ["TLSv1.0"], [0x002f]));
        var finding = Assert.Single(detector.Judge(legacy));
        Assert.Equal(("not-completed", 0.3), (finding.Variant, finding.Confidence));
        Assert.Contains("offered only TLSv1.0", finding.Summary);

        var modern = Build(MailProtocol.Imap, "127.0.0.1:143", new GreetingEvent("* OK ready", null),
            new CapabilitiesEvent(["IMAP4rev1", "STARTTLS"], CapabilitySource.ImapGreeting),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "OK", "Begin TLS"),
            new TlsClientHelloEvent(null, ["TLSv1.3", "TLSv1.2"], [0x1301]));
        var other = Assert.Single(detector.Judge(modern));
        Assert.Equal(("not-completed", 0.6), (other.Variant, other.Confidence));
    }

    [Fact]
    public void ServerRefusingTheClientHelloWithAnAlertIsNoStrip()
    {
        // Postfix limited to TLSv1 answering a TLSv1.3-only ClientHello with protocol_version (70).
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("STARTTLS"),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "220", "go"),
            new TlsAlertEvent(Direction.ServerToClient, 2, 70));
        Assert.Equal((false, true, true), (session.TlsEstablished, session.TlsServerAnswered, session.TlsAborted));
        Assert.Empty(JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void ClientAlertAfterServerHelloMeansNoTlsButNoStrip()
    {
        // fetchmail refusing a self-signed certificate: ServerHello, then the client's unknown_ca (48).
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Imap, "127.0.0.1:143", new GreetingEvent("* OK ready", null),
            new CapabilitiesEvent(["IMAP4rev1", "STARTTLS"], CapabilitySource.ImapGreeting),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "OK", "Begin TLS"),
            new TlsServerHelloEvent("TLSv1.3", 0x1302, "TLS_AES_256_GCM_SHA384"), new TlsAlertEvent(Direction.ClientToServer, 2, 48));
        Assert.Equal((false, "TLSv1.3"), (session.TlsEstablished, session.TlsVersion));
        Assert.Equal(["tls-alert-2-48"], session.Anomalies);
        Assert.Empty(JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void ClientAlertWithNoServerAnswerIsStillNotCompleted()
    {
        // The proxy that says 220 and closes: the client's decode_error (50) is the only TLS record.
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("STARTTLS"),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "220", "go"),
            new TlsAlertEvent(Direction.ClientToServer, 2, 50));
        Assert.Equal([("starttls-stripped", "not-completed", null)], JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void WarningAlertLeavesTheHandshakeStanding()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("STARTTLS"),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "220", "go"),
            new TlsServerHelloEvent("TLSv1.2", 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), new TlsAlertEvent(Direction.ServerToClient, 1, 112),
            ClientCcs, ServerCcs);
        Assert.True(session.TlsEstablished);
        Assert.Empty(JudgeAll(detector, knowledge, session));
    }

    [Fact]
    public void PipelinedBytesAfterStartTlsAreInjected()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("STARTTLS"),
            new StartTlsCommandEvent(), new InjectedBytesEvent(Direction.ClientToServer, 6, "RSET\\x0d\\x0a"),
            new StartTlsReplyEvent(true, "220", "go"), new TlsServerHelloEvent("TLSv1.3", 0x1301, "TLS_AES_128_GCM_SHA256"));
        var finding = Assert.Single(detector.Judge(session));
        Assert.Equal(("starttls-stripped", "injected"), (finding.Kind, finding.Variant));
        Assert.Contains(finding.Evidence, e => e.Key == "first_word" && (string?)e.Value == "RSET");
    }

    [Fact]
    public void Tls10AndRc4AreWeak()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("STARTTLS"),
            new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "220", "go"),
            new TlsServerHelloEvent("TLSv1.0", 0x0005, "TLS_RSA_WITH_RC4_128_SHA"), ClientCcs, ServerCcs);
        Assert.Equal([("tls-weak", "tls1.0", null), ("tls-weak", "rc4", null)], JudgeAll(detector, knowledge, session));
    }

    private static readonly TlsRecordEvent ClientCcs = new(Direction.ClientToServer, 20), ServerCcs = new(Direction.ServerToClient, 20);

    [Fact]
    public void Tls12HandshakeEndsWithBothChangeCipherSpecs()
    {
        MailEvent[] upgrade = [SmtpGreeting(), Ehlo("STARTTLS"), new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "220", "go"),
            new TlsServerHelloEvent("TLSv1.0", 0x0005, "TLS_RSA_WITH_RC4_128_SHA")];
        Assert.False(Build(MailProtocol.Smtp, "127.0.0.1:25", [.. upgrade, ClientCcs]).TlsEstablished);
        Assert.False(Build(MailProtocol.Smtp, "127.0.0.1:25", [.. upgrade, ServerCcs]).TlsEstablished);
        var (detector, knowledge) = Make();
        var unfinished = Build(MailProtocol.Smtp, "127.0.0.1:25", [.. upgrade, ClientCcs]);
        Assert.Empty(JudgeAll(detector, knowledge, unfinished)); // a weak version never used, and the server answered with TLS: no finding
    }

    [Fact]
    public void Tls13HandshakeEndsWithTheClientsEncryptedFlightNotTheServers()
    {
        MailEvent[] upgrade = [SmtpGreeting(), Ehlo("STARTTLS"), new StartTlsCommandEvent(), new StartTlsReplyEvent(true, "220", "go"),
            new TlsServerHelloEvent("TLSv1.3", 0x1302, "TLS_AES_256_GCM_SHA384"), ServerCcs, new TlsRecordEvent(Direction.ServerToClient, 23)];
        var failed = Build(MailProtocol.Smtp, "127.0.0.1:2526", upgrade); // OpenSMTPD 6.8: encrypted internal_error, client silent
        Assert.False(failed.TlsEstablished);
        Assert.Equal("TLSv1.3", failed.TlsVersion);
        Assert.True(failed.TlsServerAnswered);
        var (detector, knowledge) = Make();
        Assert.Empty(JudgeAll(detector, knowledge, failed));
        Assert.True(Build(MailProtocol.Smtp, "127.0.0.1:2526", [.. upgrade, ClientCcs, new TlsRecordEvent(Direction.ClientToServer, 23)]).TlsEstablished);
        // Early data (0-RTT) sent before the ServerHello is no sign of a finished handshake.
        MailEvent[] early = [.. upgrade[..4], new TlsRecordEvent(Direction.ClientToServer, 23), .. upgrade[4..]];
        Assert.False(Build(MailProtocol.Smtp, "127.0.0.1:2526", early).TlsEstablished);
    }

    [Fact]
    public void MessagesWithoutTlsAreCleartextMail()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("STARTTLS"),
            new MailTransactionEvent(), new MessageEvent(1200, 1), new MessageEvent(900, 2));
        var finding = Assert.Single(detector.Judge(session));
        Assert.Equal("cleartext-mail", finding.Kind);
        Assert.Contains(finding.Evidence, e => e.Key == "messages" && e.Value is 2L);
    }

    [Fact]
    public void ImplicitTlsSessionsAreNeverJudgedForStartTls()
    {
        var (detector, knowledge) = Make();
        var session = Build(MailProtocol.Smtp, "192.0.2.1:5000", "127.0.0.1:465", implicitTls: true,
            new TlsServerHelloEvent("TLSv1.3", 0x1301, "TLS_AES_128_GCM_SHA256"));
        Assert.Empty(JudgeAll(detector, knowledge, session));
    }
}
