using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using static Sensor.Tests.CrossCheck.Probes;

namespace Sensor.Tests.CrossCheck;

/// <summary>The decision table, with exact verdicts, counts and confidences.</summary>
public class CrossCheckJudgeTests
{
    private const string Server = "127.0.0.3:143";

    private static PassiveObservation Lacking(string finding = "starttls-absent") =>
        new("imap", Server, null, 1, [finding], false, [], ["s1"]);

    private static PassiveObservation WithCert(string cert) =>
        new("imap", Server, "mail.example.test", 2, [], false, [cert], ["s1", "s2"]);

    private static VerdictRecord? Decide(PassiveObservation passive, CrossCheckOptions? options = null, params ProbeRecord[] probes) =>
        CrossCheckJudge.Decide(passive, probes, Now, options ?? CrossCheckOptions.Default);

    [Fact]
    public void NoProbesIsInconclusive()
    {
        var v = Decide(Lacking())!;
        Assert.Equal(("inconclusive", 0.0, 0, 0), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("No probe of 127.0.0.3:143 from another vantage point in the last 7 day(s): cannot tell the path from the server", v.Summary);
        Assert.Empty(v.Probes);
        Assert.Equal(["starttls-absent"], v.Passive.Findings);
    }

    [Fact]
    public void OneProbeThatCompletedTlsIsInterferenceOnPath()
    {
        var v = Decide(Lacking(), null, Ok("abroad", Server))!;
        Assert.Equal(("interference-on-path", 0.6, 1, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("The capture saw starttls-absent, but 1 of 1 connections from abroad saw 127.0.0.3:143 offer STARTTLS and complete TLS: something on the path took it away", v.Summary);
        var probe = Assert.Single(v.Probes);
        Assert.Equal(("abroad", "2026-11-29T11:00:00.000000Z", "ok", true, true, CertA),
            (probe.Vantage, probe.Ts, probe.Outcome, probe.StarttlsOffered, probe.TlsEstablished, probe.CertSha256));
        Assert.Equal(("imap", Server, "2026-11-29T12:00:00.000000Z"), (v.Protocol, v.Server, v.Ts));
    }

    [Theory]
    [InlineData("starttls-stripped/removed")]
    [InlineData("starttls-stripped/mangled")]
    [InlineData("starttls-stripped/rejected")]
    public void EveryStrippedVariantCountsAsLackingStartTls(string finding) =>
        Assert.Equal("interference-on-path", Decide(Lacking(finding), null, Ok("abroad", Server))!.Verdict);

    [Fact]
    public void ARefusalWithoutFindingCountsAsLackingStartTls()
    {
        var refused = new PassiveObservation("imap", Server, null, 1, [], true, [], ["s1"]);
        var v = Decide(refused, null, Ok("abroad", Server))!;
        Assert.Equal("interference-on-path", v.Verdict);
        Assert.StartsWith("The capture saw STARTTLS refused, but", v.Summary);
    }

    [Fact]
    public void MoreProbesAndMoreVantagesRaiseConfidence()
    {
        Assert.Equal(0.7, Decide(Lacking(), null, Ok("abroad", Server, 1), Ok("abroad", Server, 2))!.Confidence);
        Assert.Equal(0.8, Decide(Lacking(), null, Ok("abroad", Server), Ok("vps", Server))!.Confidence);
        var three = Decide(Lacking(), null, Ok("abroad", Server), Ok("vps", Server), Ok("colleague", Server))!;
        Assert.Equal((0.95, 3, 3), (three.Confidence, three.Agreeing, three.Total));
    }

    [Fact]
    public void ProbesThatSeeNoStartTlsEitherMeanTheServerLacksTls()
    {
        var v = Decide(Lacking(), null, Absent("abroad", Server), Absent("vps", Server))!;
        Assert.Equal(("server-lacks-tls", 0.8, 2, 2), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("The capture saw starttls-absent, and 2 of 2 connections from abroad, vps saw no STARTTLS either: the server itself offers none", v.Summary);
    }

    [Fact]
    public void DisagreeingProbesAreInconclusiveAndSayHowManyAgreed()
    {
        var v = Decide(Lacking(), null, Ok("abroad", Server, 3), Ok("vps", Server, 2), Absent("colleague", Server, 1))!;
        Assert.Equal(("inconclusive", 0.27, 2, 3), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("2 of 3 connections offered STARTTLS (abroad: 1 of 1, vps: 1 of 1, colleague: 0 of 1): the server varies from one connection to the next "
            + "(a load-balanced or changing server), so this is not placed on the path; the capture saw starttls-absent", v.Summary);
        Assert.Equal((3, 2, 1, 0), (v.Connections.Total, v.Connections.Starttls, v.Connections.NoStarttls, v.Connections.Failed));
        Assert.Equal(["abroad", "vps", "colleague"], v.Probes.Select(p => p.Vantage));
    }

    [Fact]
    public void AFailedProbeLowersConfidenceButDoesNotDisagree()
    {
        var v = Decide(Lacking(), null, Ok("abroad", Server), Failed("vps", Server, "timeout"))!;
        Assert.Equal(("interference-on-path", 0.3, 1, 2), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
    }

    [Fact]
    public void OnlyFailedProbesAreInconclusive()
    {
        var v = Decide(Lacking(), null, Failed("abroad", Server, "unreachable"), Failed("vps", Server, "timeout"))!;
        Assert.Equal(("inconclusive", 0.0, 0, 2), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("All 2 probes of 127.0.0.3:143 failed (unreachable, timeout): cannot tell the path from the server", v.Summary);
    }

    [Fact]
    public void StaleProbesDoNotCountByTheInjectedClock()
    {
        var weekAndAnHour = Ok("abroad", Server, hoursAgo: 7 * 24 + 1);
        Assert.Equal(("inconclusive", 0), (Decide(Lacking(), null, weekAndAnHour)!.Verdict, Decide(Lacking(), null, weekAndAnHour)!.Total));
        Assert.Equal("interference-on-path", Decide(Lacking(), null, Ok("abroad", Server, hoursAgo: 7 * 24))!.Verdict);
        var longer = CrossCheckOptions.Default with { MaxAge = TimeSpan.FromDays(8) };
        Assert.Equal("interference-on-path", Decide(Lacking(), longer, weekAndAnHour)!.Verdict);
        var shorter = CrossCheckOptions.Default with { MaxAge = TimeSpan.FromMinutes(30) };
        Assert.Equal("No probe of 127.0.0.3:143 from another vantage point in the last 0.5 hour(s): cannot tell the path from the server",
            Decide(Lacking(), shorter, Ok("abroad", Server))!.Summary);
    }

    [Fact]
    public void LocalProbesCrossTheCapturesPathSoTheyAreShownButDecideNothing()
    {
        var localOnly = Decide(Lacking(), null, Ok("local", Server))!;
        Assert.Equal(("inconclusive", 0.0, 0, 0), (localOnly.Verdict, localOnly.Confidence, localOnly.Agreeing, localOnly.Total));
        Assert.Equal("No probe of 127.0.0.3:143 from another vantage point in the last 7 day(s): cannot tell the path from the server. "
            + "Not counted, as they cross the capture's own path: 1 connection(s) from local (1 completed TLS)", localOnly.Summary);
        var shown = Assert.Single(localOnly.Probes);
        Assert.Equal(("local", true, true), (shown.Vantage, shown.SamePath, shown.TlsEstablished));

        var both = Decide(Lacking(), null, Absent("local", Server), Ok("abroad", Server))!;
        Assert.Equal(("interference-on-path", 0.6, 1, 1), (both.Verdict, both.Confidence, both.Agreeing, both.Total));
        Assert.EndsWith("something on the path took it away. Not counted, as they cross the capture's own path: 1 connection(s) from local (1 saw no STARTTLS)", both.Summary);
        Assert.Equal([("abroad", false), ("local", true)], both.Probes.Select(p => (p.Vantage, p.SamePath)));
    }

    [Fact]
    public void TheSamePathVantagesAreConfigurableAndPassiveProbesNeverCount()
    {
        var office = CrossCheckOptions.Default with { SamePathVantages = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "office" } };
        Assert.Equal(("interference-on-path", 1), (Decide(Lacking(), office, Ok("local", Server))!.Verdict, Decide(Lacking(), office, Ok("local", Server))!.Total));
        Assert.Equal(("inconclusive", 0), (Decide(Lacking(), office, Ok("OFFICE", Server))!.Verdict, Decide(Lacking(), office, Ok("OFFICE", Server))!.Total));
        var passiveOnly = Decide(Lacking(), null, Ok("passive", Server))!;
        Assert.Equal(("inconclusive", 0), (passiveOnly.Verdict, passiveOnly.Total));
        Assert.Empty(passiveOnly.Probes);
        var excludingAbroad = CrossCheckOptions.Default with { ExcludedVantages = new HashSet<string> { "passive", "abroad" } };
        var v = Decide(Lacking(), excludingAbroad, Ok("abroad", Server), Absent("vps", Server))!;
        Assert.Equal(("server-lacks-tls", 1, 1), (v.Verdict, v.Agreeing, v.Total));
    }

    [Fact]
    public void AllIndependentProbesFailingIsInconclusiveWhateverTheLocalProbeSaw()
    {
        var v = Decide(Lacking(), null, Absent("local", Server), Failed("abroad", Server, "vantage-unavailable"))!;
        Assert.Equal(("inconclusive", 0.0, 0, 1), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal("All 1 probes of 127.0.0.3:143 failed (vantage-unavailable): cannot tell the path from the server. "
            + "Not counted, as they cross the capture's own path: 1 connection(s) from local (1 saw no STARTTLS)", v.Summary);
    }

    [Fact]
    public void ACertificateOtherThanAllProbesSawIsSubstituted()
    {
        var v = Decide(WithCert(CertB), null, Ok("abroad", Server, 2), Ok("abroad", Server, 1))!;
        Assert.Equal(("certificate-substituted", 0.7, 2, 2), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal($"The capture saw certificate {CertB} from 127.0.0.3:143, but 2 of 2 probes from abroad saw {CertA}: substituted on the path", v.Summary);
        Assert.Equal([CertB], v.Passive.CertSha256);
        Assert.Equal("mail.example.test", v.ServerName);
    }

    [Fact]
    public void TheSameCertificateAsTheProbesMakesNoVerdict() =>
        Assert.Null(Decide(WithCert(CertA), null, Ok("abroad", Server), Ok("vps", Server)));

    [Fact]
    public void ProbesThatDisagreeAboutTheCertificateAreInconclusive()
    {
        var v = Decide(WithCert(CertB), null, Ok("abroad", Server), Ok("vps", Server), Ok("colleague", Server, cert: new string('c', 64)))!;
        Assert.Equal(("inconclusive", 0.27, 2, 3), (v.Verdict, v.Confidence, v.Agreeing, v.Total));
        Assert.Equal($"2 of 3 probes saw certificate {CertA}, the others saw 1 other(s): the probes disagree", v.Summary);
    }

    [Fact]
    public void ACertificateCheckWithoutFreshProbesIsInconclusive() =>
        Assert.Equal("inconclusive", Decide(WithCert(CertB), null, Ok("abroad", Server, hoursAgo: 24 * 30))!.Verdict);

    [Fact]
    public void TheSameServerAndSessionsGiveTheSameId() =>
        Assert.Equal(Decide(Lacking(), null)!.Id, Decide(Lacking(), null, Ok("abroad", Server))!.Id);
}
