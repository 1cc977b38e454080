using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using static Sensor.Tests.CrossCheck.Probes;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// The verdicts of repeated probes, of captures that saw a server both ways, and of an answering host
/// that differs: exact verdicts, counts and summaries, each from the judge as the replay calls it.
/// </summary>
public class CrossCheckVerdictCasesTests
{
    private const string Imap = "127.0.0.3:143";
    private const string Smtp = "127.0.0.1:25";
    private const string Postfix = "220 mail.example.test ESMTP Postfix (Debian/GNU)";
    private static readonly List<string> PostfixEhlo = ["PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"];

    private static VerdictRecord? Decide(PassiveObservation passive, params ProbeRecord[] probes) =>
        CrossCheckJudge.Decide(passive, probes, Now, CrossCheckOptions.Default);

    /// <summary>A probe record of several connections with these outcomes ("ok" completed TLS), in order; the record itself is the first.</summary>
    private static ProbeRecord Repeated(string vantage, string server, string protocol, params string[] outcomes)
    {
        var record = outcomes[0] == "ok" ? Ok(vantage, server, protocol: protocol) : Absent(vantage, server, protocol: protocol);
        record.Attempts = [.. outcomes.Select(o => new ProbeAttempt { Outcome = o, StarttlsOffered = o == "ok", TlsEstablished = o == "ok", Banner = "* OK ready" })];
        return record;
    }

    private static PassiveObservation Imaps(int sessions, int lacked, int tls) =>
        new("imap", Imap, null, sessions, lacked > 0 ? ["starttls-stripped/removed"] : [], false, [], [.. Enumerable.Range(1, sessions).Select(i => $"s{i}")])
        {
            LackedSessions = lacked,
            TlsSessions = tls,
        };

    [Fact]
    public void AServerThatAlternatesPerConnectionIsInconclusiveNeverThePath()
    {
        var v = Decide(Imaps(1, 1, 0), Repeated("far", Imap, "imap", "ok", "starttls-absent", "ok"))!;
        Assert.Equal(("inconclusive", 0.3, 1, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal((3, 2, 1, 0), (v.Connections.Total, v.Connections.Starttls, v.Connections.NoStarttls, v.Connections.Failed));
        Assert.Equal("2 of 3 connections offered STARTTLS (far: 2 of 3): the server varies from one connection to the next "
            + "(a load-balanced or changing server), so this is not placed on the path; the capture saw starttls-stripped/removed", v.Summary);
        Assert.Equal(["ok", "starttls-absent", "ok"], Assert.Single(v.Probes).Attempts);
    }

    [Fact]
    public void AnMxWhoseAddressesDifferVariesToo()
    {
        // the same name, two addresses: one offers STARTTLS, the other does not
        var first = Repeated("far", Imap, "imap", "ok", "ok", "ok");
        var second = Repeated("far", "127.0.0.4:143", "imap", "starttls-absent", "starttls-absent", "starttls-absent");
        var v = Decide(Imaps(1, 1, 0), first, second)!;
        Assert.Equal(("inconclusive", 0.15, 1, 2), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.StartsWith("3 of 6 connections offered STARTTLS (far: 3 of 6): the server varies", v.Summary);
    }

    [Fact]
    public void SessionsBothWaysWithProbesThatAlwaysSeeStartTlsAreIntermittentInterference()
    {
        var v = Decide(Imaps(4, 2, 2), Repeated("far", Imap, "imap", "ok", "ok", "ok"))!;
        Assert.Equal(("interference-on-path", 0.6, 1, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal((4, 2, 2), (v.Passive.Sessions, v.Passive.SessionsLackingStarttls, v.Passive.SessionsTls));
        Assert.Equal("Along the capture's path 2 of 4 sessions lacked STARTTLS and 2 completed TLS (starttls-stripped/removed), but all 3 of 3 connections "
            + "from far saw 127.0.0.3:143 offer STARTTLS and complete TLS: intermittent interference on the path", v.Summary);
    }

    [Fact]
    public void SessionsBothWaysWithProbesThatSeeItVaryTooAreTheServer()
    {
        var v = Decide(Imaps(4, 2, 2), Repeated("far", Imap, "imap", "starttls-absent", "ok", "ok"))!;
        Assert.Equal(("inconclusive", 0.3, 1, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("2 of 3 connections offered STARTTLS (far: 2 of 3): the server varies from one connection to the next (a load-balanced or changing server), "
            + "so this is not placed on the path; the capture saw it vary too (2 of 4 sessions lacked STARTTLS and 2 completed TLS)", v.Summary);
    }

    [Fact]
    public void SessionsBothWaysWithProbesThatNeverSeeStartTlsAreInconclusive()
    {
        var v = Decide(Imaps(3, 1, 2), Repeated("far", Imap, "imap", "starttls-absent", "starttls-absent"))!;
        Assert.Equal(("inconclusive", 0.0, 0, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("Along the capture's path 1 of 3 sessions lacked STARTTLS and 2 completed TLS, but all 2 of 2 connections from far saw no STARTTLS: "
            + "the server changed since, or the probes' own paths take it away", v.Summary);
    }

    [Fact]
    public void RepeatedConnectionsThatAllSeeStartTlsAreInterferenceOnPath()
    {
        var v = Decide(Imaps(1, 1, 0), Repeated("far", Imap, "imap", "ok", "ok", "ok"))!;
        Assert.Equal(("interference-on-path", 0.6, 1, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("The capture saw starttls-stripped/removed, but 3 of 3 connections from far saw 127.0.0.3:143 offer STARTTLS and complete TLS: "
            + "something on the path took it away", v.Summary);
    }

    private static PassiveObservation SmtpSeen(string greeting, IEnumerable<string> ehlo, string? tlsVersion = null) =>
        new("smtp", Smtp, "mail.example.test", 1, [], false, [], ["s1"])
        {
            TlsSessions = 1,
            Greetings = [AnswerTraits.Greeting(greeting)],
            CapabilityLists = [AnswerTraits.Capabilities("smtp", ehlo)!],
            TlsVersions = tlsVersion is null ? [] : [tlsVersion],
        };

    private static ProbeRecord SmtpProbe(string vantage, params (string Banner, List<string> Ehlo, string Version)[] connections)
    {
        var record = Ok(vantage, Smtp, protocol: "smtp");
        record.Attempts = [.. connections.Select(c => new ProbeAttempt
        {
            Banner = c.Banner, Capabilities = c.Ehlo, StarttlsOffered = true, TlsEstablished = true, TlsVersion = c.Version,
        })];
        return record;
    }

    [Fact]
    public void AnotherGreetingAndEhloHereWithStartTlsIntactIsADifferentServer()
    {
        var relay = PostfixEhlo.Select(c => c == "SIZE 10240000" ? "SIZE 52428800" : c).Where(c => c != "VRFY").ToList();
        var passive = SmtpSeen("220 relay.example.test ESMTP", relay, "TLSv1.3");
        var v = Decide(passive, SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.3"), (Postfix, PostfixEhlo, "TLSv1.3")))!;
        Assert.Equal(("different-server-answers", 0.6, 1, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal([
            "greeting: '220 relay.example.test ESMTP' here; '220 mail.example.test ESMTP Postfix (Debian/GNU)' from far",
            "capabilities: '8BITMIME, CHUNKING, DSN, ENHANCEDSTATUSCODES, ETRN, PIPELINING, SIZE 52428800, SMTPUTF8' here; "
                + "'8BITMIME, CHUNKING, DSN, ENHANCEDSTATUSCODES, ETRN, PIPELINING, SIZE 10240000, SMTPUTF8, VRFY' from far",
        ], v.Differences);
        Assert.Equal("The host that answers 127.0.0.1:25 here is not the one others reach: " + string.Join("; ", v.Differences), v.Summary);
    }

    [Fact]
    public void ASizeValueAloneTellsAnotherServer()
    {
        var relay = PostfixEhlo.Select(c => c == "SIZE 10240000" ? "SIZE 52428800" : c).ToList();
        var v = Decide(SmtpSeen(Postfix, relay), SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.3")))!;
        Assert.Equal("different-server-answers", v.Verdict);
        Assert.Equal("capabilities: '8BITMIME, CHUNKING, DSN, ENHANCEDSTATUSCODES, ETRN, PIPELINING, SIZE 52428800, SMTPUTF8, VRFY' here; "
            + "'8BITMIME, CHUNKING, DSN, ENHANCEDSTATUSCODES, ETRN, PIPELINING, SIZE 10240000, SMTPUTF8, VRFY' from far", Assert.Single(v.Differences));
    }

    [Fact]
    public void TheSameServerSaysNothing() =>
        Assert.Null(Decide(SmtpSeen(Postfix, PostfixEhlo, "TLSv1.3"), SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.3"))));

    [Fact]
    public void AStrippedOrMaskedOfferIsNoTraitOfItsOwn()
    {
        var masked = PostfixEhlo.Select(c => c == "STARTTLS" ? "XXXXXXXA" : c).ToList();
        Assert.Null(Decide(SmtpSeen(Postfix, masked), SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.3"))));
        Assert.Null(Decide(SmtpSeen(Postfix, PostfixEhlo.Where(c => c != "STARTTLS")), SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.3"))));
    }

    [Fact]
    public void AFarmWhoseMembersGreetDifferentlyIsNotADifferentServer()
    {
        const string other = "220 mx2.example.test ESMTP Postfix (Debian/GNU)";
        Assert.Null(Decide(SmtpSeen(other, PostfixEhlo), SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.3"), (other, PostfixEhlo, "TLSv1.3"))));
    }

    [Fact]
    public void DigitsInAGreetingDoNotMakeItAnother() =>
        Assert.Null(Decide(SmtpSeen("220 mx.example.test ESMTP Sendmail 8.17.1; Mon, 7 Dec 2026 18:00:01 GMT", PostfixEhlo),
            SmtpProbe("far", ("220 mx.example.test ESMTP Sendmail 8.17.1; Mon, 7 Dec 2026 18:00:09 GMT", PostfixEhlo, "TLSv1.3"))));

    [Fact]
    public void AHigherTlsVersionHereThanAnyProbeGotIsAnotherServerButALowerOneIsTheClient()
    {
        var v = Decide(SmtpSeen(Postfix, PostfixEhlo, "TLSv1.3"), SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.2")))!;
        Assert.Equal(("different-server-answers", "TLS version: TLSv1.3 here; at most TLSv1.2 from far"), (v.Verdict, Assert.Single(v.Differences)));
        Assert.Null(Decide(SmtpSeen(Postfix, PostfixEhlo, "TLSv1.2"), SmtpProbe("far", (Postfix, PostfixEhlo, "TLSv1.3"))));
    }

    [Fact]
    public void ProbesFromTheCapturesOwnPathShowNoDifference() =>
        Assert.Null(Decide(SmtpSeen("220 relay.example.test ESMTP", PostfixEhlo), SmtpProbe("local", (Postfix, PostfixEhlo, "TLSv1.3"))));
}
