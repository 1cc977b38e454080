using Sensor.Core.FieldTest;
using Sensor.Core.Output;
using static Sensor.Tests.FieldTest.FieldProbes;

namespace Sensor.Tests.FieldTest;

/// <summary>The headline of a target: names the port and says what to do; reassures only when it can; says when it could not tell.</summary>
public class FieldAdviceTests
{
    private static FieldRow Row(ProbeRecord here, params ProbeRecord[] elsewhere) => new(here, elsewhere, FieldVerdict.Judge("example.org", here, elsewhere));

    private static string Headline(params FieldRow[] rows) => FieldAdvice.Headline(new FieldTarget("example.org", rows));

    [Fact]
    public void InterferenceSaysDoNotSendAndNamesThePort()
    {
        Assert.Equal("Do not send mail or passwords to example.org from this network until you can use another network, or a VPN or Tor you trust: "
            + "it removes STARTTLS (the server's offer to encrypt) on port 25.", Headline(Row(Ok("local", 587, trusted: true), Ok("abroad", 587)), Row(Absent("local"), Ok("abroad"))));
        Assert.Equal("Do not send mail or passwords to example.org from this network until you can use another network, or a VPN or Tor you trust: "
            + "it blocks STARTTLS (the switch to encryption) on ports 25, 587.", Headline(Row(Refused("local"), Ok("abroad")), Row(Refused("local", 587), Ok("abroad", 587))));
        Assert.EndsWith("it breaks the encrypted connection on port 25.", Headline(Row(TlsFailed("local"), Ok("abroad"))));
    }

    [Fact]
    public void CleanIsPlainReassurance_NamingThePortsAndThoseNotTested()
    {
        Assert.Equal("No interference seen: mail to example.org is encrypted from this network on port 25.", Headline(Row(Ok("local"), Ok("abroad"))));
        Assert.Equal("No interference seen: mail to example.org is encrypted from this network on ports 25, 587. Port 465 could not be tested.",
            Headline(Row(Ok("local")), Row(Ok("local", 587, trusted: true)), Row(FieldProbes.Unreachable("local", 465))));
    }

    [Fact]
    public void InconclusiveSaysItCouldNotTell()
    {
        Assert.Equal("Could not tell whether this network interferes with mail to example.org: could not reach port 25 from here (many networks block it).",
            Headline(Row(FieldProbes.Unreachable("local"))));
        Assert.Equal("Could not tell anything about example.org: nothing was probed.", Headline());
        Assert.Equal(FieldLevel.NotTested, FieldAdvice.Level(new FieldTarget("example.org", [])));
    }

    [Fact]
    public void UnencryptedSaysWhoIsToBlameOnlyWhenCompared()
    {
        Assert.Equal("Mail to example.org travels unencrypted on port 25, from anywhere: the server offers no working encryption there (not this network's doing). Do not send anything sensitive that way.",
            Headline(Row(Absent("local"), Absent("abroad"))));
        Assert.StartsWith("Mail to example.org travels unencrypted from here on port 25, and nothing was compared", Headline(Row(Absent("local"))));
    }

    [Fact]
    public void CautionNamesTheCatch() =>
        Assert.Equal("Mail to example.org is encrypted, with a catch on port 587: encrypted, but with outdated TLSv1 on port 587: a capable eavesdropper may break it.",
            Headline(Row(Ok("local", 587, version: "TLSv1", trusted: true))));
}

/// <summary>The steps of one port, one line each, as a person reads them.</summary>
public class FieldChecksTests
{
    private static IReadOnlyList<FieldCheck> Checks(ProbeRecord here, params ProbeRecord[] elsewhere) =>
        FieldChecks.Of(new FieldRow(here, elsewhere, FieldVerdict.Judge("example.org", here, elsewhere)));

    private static string Lines(IReadOnlyList<FieldCheck> checks) => string.Join("\n", checks.Select(c => $"{c.Icon} {c.What}: {c.Found}"));

    [Fact]
    public void ACleanPortPassesEveryStep()
    {
        var here = Ok("local", 587, trusted: true);
        here.MailDomain = "example.org";
        here.Target = "mx.example.org:587";
        Assert.Equal("""
            ✔ DNS lookup: the mail server of example.org is mx.example.org, at 192.0.2.10
            ✔ Connection to port 587: the server answered "220 mx.example.org ESMTP"
            ✔ STARTTLS offered: yes: the server offered to switch to encryption
            ✔ TLS completed: yes: TLSv1.3 TLS_AES_256_GCM_SHA384
            ✔ Certificate: valid for the server's name, and the same as seen from elsewhere
            ✔ Comparison with elsewhere: no difference that matters: abroad saw STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384
            """, Lines(Checks(here, Ok("abroad", 587, trusted: true))));
    }

    [Fact]
    public void AStrippedPortFailsAtTheOfferAndTheComparison_AndAHopIsALineOfItsOwn()
    {
        var row = new FieldRow(Absent("local"), [Ok("abroad")], FieldVerdict.Judge("example.org", Absent("local"), [Ok("abroad")])) { Hop = new FieldHop(1, null, null) };
        Assert.Equal("""
            ✔ DNS lookup: example.org is at 192.0.2.10
            ✔ Connection to port 25: the server answered "220 mx.example.org ESMTP"
            ✖ STARTTLS offered: no: the list of what the server can do, as it arrived here, has no STARTTLS
            – TLS completed: not tried
            – Certificate: none without TLS
            ✖ Comparison with elsewhere: different: abroad saw STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384
            i Where: the change happens 1 hop from here
            """, Lines(FieldChecks.Of(row)));
    }

    [Fact]
    public void RefusedAndBrokenTlsSayWhy()
    {
        Assert.Contains("✖ TLS completed: no: STARTTLS was refused (454 4.7.0 TLS not available due to local problem)", Lines(Checks(Refused("local"))));
        Assert.Contains("✖ TLS completed: no: TLS handshake failed: connection closed", Lines(Checks(TlsFailed("local"))));
    }

    [Fact]
    public void ASubstitutedCertificateIsNamedByItsHash_AndARelaysSelfSignedOneIsOnlyInformation()
    {
        Assert.Contains($"✖ Certificate: not the one seen from elsewhere (SHA-256 {CertB})", Lines(Checks(Ok("local", cert: CertB), Ok("abroad", cert: CertA))));
        Assert.Contains("i Certificate: not from an authority this computer trusts; servers sending mail to each other usually accept that", Lines(Checks(Ok("local"))));
        Assert.Contains("✖ Certificate: not from an authority this computer trusts", Lines(Checks(Ok("local", 587))));
    }

    [Fact]
    public void NothingReachedLeavesTheLaterStepsNotTried()
    {
        Assert.Equal("""
            ✔ DNS lookup: example.org is at 192.0.2.10
            ✖ Connection to port 25: connection refused
            – STARTTLS offered: not tried without a connection
            – TLS completed: not tried
            – Certificate: none without TLS
            – Comparison with elsewhere: no result from another network to compare with
            """, Lines(Checks(FieldProbes.Unreachable("local"))));
        var unresolved = FieldProbes.Unreachable("local", outcome: "unresolvable");
        unresolved.Server = null;
        unresolved.Error = "could not look up example.org (NXDOMAIN from 192.0.2.53:53)";
        Assert.StartsWith("""
            ✖ DNS lookup: could not look up example.org (NXDOMAIN from 192.0.2.53:53)
            – Connection to port 25: not tried without an address
            """, Lines(Checks(unresolved)));
    }

    [Fact]
    public void ImplicitTlsHasNoStarttlsStep()
    {
        var lines = Lines(Checks(Ok("local", 993, "imap", trusted: true, implicitTls: true)));
        Assert.DoesNotContain("STARTTLS offered", lines);
        Assert.Contains("✔ TLS from the first byte: yes: TLSv1.3 TLS_AES_256_GCM_SHA384", lines);
    }
}
