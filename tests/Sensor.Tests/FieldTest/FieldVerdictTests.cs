using Sensor.Core.FieldTest;
using Sensor.Core.Output;
using static Sensor.Tests.FieldTest.FieldProbes;

namespace Sensor.Tests.FieldTest;

/// <summary>The plain-language judgement table, sentence by sentence.</summary>
public class FieldVerdictTests
{
    private const string Host = "example.org";
    private const string NoComparison = "No comparison available: run `sensor probe --json` from another network and `sensor import` it here";

    private static FieldJudgement Judge(ProbeRecord here, params ProbeRecord[] elsewhere) => FieldVerdict.Judge(Host, here, elsewhere);

    [Fact]
    public void StartTlsMissingHereButOfferedElsewhereIsTheNetwork()
    {
        var j = Judge(Absent("local"), Ok("abroad"));
        Assert.Equal(FieldLevel.Interference, j.Level);
        Assert.Equal("Your network removes STARTTLS on port 25: mail from here to example.org can be read on the way", j.Sentence);
    }

    [Fact]
    public void StartTlsRefusedHereButOfferedElsewhereIsTheNetwork()
    {
        var j = Judge(Refused("local"), Ok("abroad"));
        Assert.Equal(FieldLevel.Interference, j.Level);
        Assert.Equal("Your network blocks STARTTLS on port 25: mail from here to example.org can be read on the way", j.Sentence);
    }

    [Fact]
    public void ImapStrippedSpeaksOfThePassword()
    {
        var j = Judge(Absent("local", 143, "imap", "* OK ready"), Ok("abroad", 143, "imap"));
        Assert.Equal("Your network removes STARTTLS on port 143: your password and mail at example.org can be read on the way", j.Sentence);
    }

    [Fact]
    public void ElsewhereOfferedOnceIsEnoughEvenIfAnotherVantageSawNone()
    {
        var j = Judge(Absent("local"), Absent("colleague"), Ok("abroad"));
        Assert.Equal(FieldLevel.Interference, j.Level);
    }

    [Fact]
    public void MissingHereButAdvertisedThenRefusedElsewhereIsStillRemovedOnThePath()
    {
        var j = Judge(Absent("local"), Refused("abroad"));
        Assert.Equal("Your network removes STARTTLS on port 25: mail from here to example.org can be read on the way", j.Sentence);
    }

    [Fact]
    public void NoStartTlsAnywhereIsTheServer()
    {
        var j = Judge(Absent("local"), Absent("abroad"));
        Assert.Equal(FieldLevel.NotEncrypted, j.Level);
        Assert.Equal("example.org's server does not offer encryption on port 25 (seen the same from elsewhere)", j.Sentence);
    }

    [Fact]
    public void RefusedAnywhereIsTheServer()
    {
        var j = Judge(Refused("local"), Refused("abroad"));
        Assert.Equal("example.org's server refuses encryption on port 25 (seen the same from elsewhere)", j.Sentence);
    }

    [Fact]
    public void NoStartTlsAndNothingToCompareSaysHowToGetAComparison()
    {
        var j = Judge(Absent("local"));
        Assert.Equal(FieldLevel.NotEncrypted, j.Level);
        Assert.Equal($"No encryption on port 25 from here: mail from here to example.org can be read on the way. {NoComparison}", j.Sentence);
    }

    [Fact]
    public void AnElsewhereThatCouldNotConnectIsNoComparison()
    {
        var j = Judge(Absent("local"), FieldProbes.Unreachable("abroad"));
        Assert.EndsWith(NoComparison, j.Sentence);
    }

    [Theory]
    [InlineData(false, false, "Encrypted (TLSv1.3), certificate not checked by most senders")]
    [InlineData(true, false, "Encrypted (TLSv1.3), certificate not checked by most senders")]
    [InlineData(true, true, "Encrypted (TLSv1.3), valid certificate (most senders do not check it)")]
    public void EncryptedPort25(bool trusted, bool nameMatch, string sentence)
    {
        var j = Judge(Ok("local", trusted: trusted, nameMatch: nameMatch));
        Assert.Equal(FieldLevel.Encrypted, j.Level);
        Assert.Equal(sentence, j.Sentence);
    }

    [Fact]
    public void EncryptedSameCertificateAsElsewhere()
    {
        Assert.Equal("Encrypted (TLSv1.2), certificate not checked by most senders", Judge(Ok("local", version: "TLSv1.2"), Ok("abroad")).Sentence);
    }

    [Fact]
    public void EncryptedImapWithAValidCertificate()
    {
        var j = Judge(Ok("local", 993, "imap", trusted: true, implicitTls: true));
        Assert.Equal(FieldLevel.Encrypted, j.Level);
        Assert.Equal("Encrypted (TLSv1.3), valid certificate", j.Sentence);
    }

    [Fact]
    public void SubmissionWithAnInvalidCertificateIsACaution()
    {
        var j = Judge(Ok("local", 587));
        Assert.Equal(FieldLevel.Caution, j.Level);
        Assert.Equal("Encrypted (TLSv1.3), but the certificate is not valid: a mail program should warn, and accepting it on this network would let an interceptor in", j.Sentence);
    }

    [Fact]
    public void OutdatedTlsIsACaution()
    {
        var j = Judge(Ok("local", version: "TLSv1"));
        Assert.Equal(FieldLevel.Caution, j.Level);
        Assert.Equal("Encrypted, but with outdated TLSv1 on port 25: a capable eavesdropper may break it", j.Sentence);
    }

    [Fact]
    public void ADifferentCertificateFromElsewhereIsInterference()
    {
        var j = Judge(Ok("local", cert: CertB), Ok("abroad", cert: CertA));
        Assert.Equal(FieldLevel.Interference, j.Level);
        Assert.Equal("The certificate on port 25 differs from the one seen from elsewhere: your network may be intercepting encrypted traffic to example.org", j.Sentence);
    }

    [Fact]
    public void TlsBrokenHereButWorkingElsewhereIsTheNetwork()
    {
        var j = Judge(TlsFailed("local"), Ok("abroad"));
        Assert.Equal(FieldLevel.Interference, j.Level);
        Assert.Equal("Your network breaks encryption on port 25 (it works from elsewhere): mail from here to example.org can be read on the way", j.Sentence);
    }

    [Fact]
    public void TlsFailingEverywhereAndWithNoComparison()
    {
        Assert.Equal("Encryption on port 25 fails (seen the same from elsewhere)", Judge(TlsFailed("local"), TlsFailed("abroad")).Sentence);
        Assert.Equal($"Encryption on port 25 failed from here. {NoComparison}", Judge(TlsFailed("local")).Sentence);
    }

    [Theory]
    [InlineData(25, "unreachable", "Could not reach port 25 from here (many networks block it)")]
    [InlineData(25, "timeout", "Could not reach port 25 from here (many networks block it)")]
    [InlineData(993, "unreachable", "Could not reach port 993 from here")]
    public void UnreachableHere(int port, string outcome, string sentence)
    {
        var j = Judge(FieldProbes.Unreachable("local", port, port == 993 ? "imap" : "smtp", outcome));
        Assert.Equal(FieldLevel.NotTested, j.Level);
        Assert.Equal(sentence, j.Sentence);
    }

    [Fact]
    public void UnreachableHereButAnsweringElsewhereNamesTheVantages()
    {
        var j = Judge(FieldProbes.Unreachable("local"), Ok("abroad"), Absent("colleague"));
        Assert.Equal("Could not reach port 25 from here (many networks block it); it answers from elsewhere (abroad, colleague)", j.Sentence);
    }

    [Fact]
    public void ANameThatDoesNotResolveIsSaidAsALookup_NeverAsABlockedPort()
    {
        var here = FieldProbes.Unreachable("local", outcome: "unresolvable");
        here.Error = "MX mx.example.org (preference 10) of example.org: could not look up mx.example.org (NXDOMAIN from 192.0.2.53:53)";
        var alone = Judge(here);
        Assert.Equal((FieldLevel.NotTested, "MX mx.example.org (preference 10) of example.org: could not look up mx.example.org (NXDOMAIN from 192.0.2.53:53): port 25 was not tried"),
            (alone.Level, alone.Sentence));
        here.Error = "could not look up MX example.org (SERVFAIL from 192.0.2.53:53: DNSSEC bogus or zone unreachable)";
        Assert.Equal("Could not look up MX example.org (SERVFAIL from 192.0.2.53:53: DNSSEC bogus or zone unreachable): port 25 was not tried", Judge(here).Sentence);
        // it resolves from elsewhere: the network's DNS hides the server
        var hidden = Judge(here, Ok("abroad"), FieldProbes.Unreachable("colleague"));
        Assert.Equal((FieldLevel.Interference, "Could not look up MX example.org (SERVFAIL from 192.0.2.53:53: DNSSEC bogus or zone unreachable), but it resolves from elsewhere (abroad): your network's DNS hides example.org's server on port 25"),
            (hidden.Level, hidden.Sentence));
    }

    [Fact]
    public void GarbledAnswersAreInconclusive()
    {
        var j = Judge(Garbled("local"), Ok("abroad"));
        Assert.Equal(FieldLevel.NotTested, j.Level);
        Assert.Equal("Inconclusive on port 25: the server's answers from here were not understood", j.Sentence);
    }

    [Fact]
    public void ComparisonTakesTheLatestPerOtherVantageOfTheSameServiceOnly()
    {
        var here = Absent("local");
        var old = Absent("abroad");
        var newer = Ok("abroad");
        newer.Ts = "2026-11-29T10:00:00.000000Z";
        var otherPort = Ok("colleague", 587);
        var ownEarlier = Ok("local");
        var byName = Ok("vps");
        byName.Target = "mx.example.org:25";
        byName.Server = "198.51.100.7:25";
        var otherHost = Ok("vps2");
        otherHost.Target = "other.example:25";
        otherHost.Server = "203.0.113.1:25";
        otherHost.ServerName = "mx.other.example";
        var list = FieldComparison.LatestElsewhere(here, [old, newer, otherPort, ownEarlier, byName, otherHost]);
        Assert.Equal(["abroad", "vps"], list.Select(p => p.Vantage));
        Assert.Same(newer, list[0]);
    }

    [Fact]
    public void DescribeSaysWhatAProbeSaw()
    {
        Assert.Equal("STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384", FieldVerdict.Describe(Ok("x")));
        Assert.Equal("TLS from the start, TLSv1.3 TLS_AES_256_GCM_SHA384", FieldVerdict.Describe(Ok("x", 993, "imap", implicitTls: true)));
        Assert.Equal("no STARTTLS offered", FieldVerdict.Describe(Absent("x")));
        Assert.Equal("STARTTLS refused: 454 4.7.0 TLS not available due to local problem", FieldVerdict.Describe(Refused("x")));
        Assert.Equal("connection refused", FieldVerdict.Describe(FieldProbes.Unreachable("x")));
    }
}
