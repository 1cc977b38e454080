using System.Net;
using Sensor.Core.Probing;
using static Sensor.Tests.Probing.ProbeTestSupport;

namespace Sensor.Tests.Probing;

/// <summary>Probes of the real postfix and dovecot on loopback (started by .ci/run through captures/tools/setup-servers.sh).</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class MailServerProbeTests
{
    private static void AssertTestCertificateOverTls13(ProbeResult result)
    {
        Assert.True(result.StartTlsOffered);
        Assert.True(result.TlsEstablished, result.Error);
        var tls = result.Tls!;
        Assert.Equal(ProbeOutcome.Ok, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal(TestCertificateSha256(), tls.CertSha256);
        Assert.Matches("^[0-9a-f]{64}$", tls.SpkiSha256);
        Assert.Equal("CN=mail.example.test", tls.CertSubject);
        Assert.False(tls.CertTrusted);
        Assert.Equal("TLSv1.3", tls.Version);
        Assert.StartsWith("TLS_", tls.CipherSuite);
        // TLS 1.3 (100), ECDHE assumed 256-bit curve (90), cipher from the suite: AES-256/ChaCha20 97, AES-128 89.
        var expected = Grading.CipherBitsOf(tls.CipherSuite) >= 256 ? 97 : 89;
        Assert.Equal(expected, result.Grade!.Score);
        Assert.Equal("A", result.Grade.Letter);
    }

    [Fact]
    public async Task PostfixOn25OffersStartTlsAndShowsItsCertificate()
    {
        var result = await Probe("127.0.0.1:25");
        AssertTestCertificateOverTls13(result);
        Assert.Equal("127.0.0.1:25", result.Server);
        Assert.Equal("mail.example.test", result.ServerName);
        Assert.StartsWith("220 mail.example.test ESMTP", result.Banner);
        Assert.Contains("STARTTLS", result.Capabilities);
        Assert.Equal("220 2.0.0 Ready to start TLS", result.StartTlsReply);
        Assert.False(result.Tls!.NameMatch);
    }

    [Fact]
    public async Task NameMatchesWhenTheCertificatesNameIsProbed()
    {
        // mail.example.test pinned to 127.0.0.1 (no /etc/hosts change): the name is checked against the certificate.
        var target = Assert.Single(ProbeTarget.Parse("mail.example.test:25", null)) with { Address = IPAddress.Loopback };
        var result = await ProbeAt(target);
        Assert.True(result.Tls!.NameMatch);
        Assert.False(result.Tls.CertTrusted);
    }

    [Theory]
    [InlineData("127.0.0.1:143", "* OK", "IMAP4rev1", "s2 OK")]
    [InlineData("127.0.0.1:110", "+OK", "STLS", "+OK")]
    public async Task DovecotImapAndPop3(string target, string banner, string capability, string startTlsReply)
    {
        var result = await Probe(target);
        AssertTestCertificateOverTls13(result);
        Assert.StartsWith(banner, result.Banner);
        Assert.Contains(capability, result.Capabilities);
        Assert.StartsWith(startTlsReply, result.StartTlsReply);
    }

    [Fact]
    public async Task Tls10OnlyListenerIsAFailedHandshakeBecauseThisClientRefusesTls10()
    {
        // Postfix on 2625 speaks only TLSv1; OpenSSL 3 at its default security level here will not
        // negotiate it, so the probe records the failure with the alert rather than a TLSv1.0 session.
        var result = await Probe("127.0.0.1:2625", ProbeSelection.Smtp);
        Assert.True(result.StartTlsOffered);
        Assert.False(result.TlsEstablished);
        Assert.Equal(ProbeOutcome.TlsFailed, result.Outcome);
        Assert.StartsWith("TLS handshake failed: ", result.Error);
        Assert.Contains("handshake failure", result.Error);
        Assert.Null(result.Grade);
    }

    [Fact]
    public async Task StrippingProxyMakesStartTlsAbsent()
    {
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:25", "127.0.0.61");
        var result = await Probe(proxy.Listen, ProbeSelection.Smtp);
        Assert.Equal(ProbeOutcome.StartTlsAbsent, result.Outcome);
        Assert.False(result.StartTlsOffered);
        Assert.False(result.StartTlsAttempted);
        Assert.Equal("mail.example.test", result.ServerName);
        Assert.DoesNotContain("STARTTLS", result.Capabilities);
        Assert.Equal("the server did not offer STARTTLS", result.Error);
    }

    [Fact]
    public async Task RejectingProxyMakesStartTlsRefusedWithIts454()
    {
        using var proxy = new StripProxy("smtp", "reject", "127.0.0.1:25", "127.0.0.62");
        var result = await Probe(proxy.Listen, ProbeSelection.Smtp);
        Assert.Equal(ProbeOutcome.StartTlsRefused, result.Outcome);
        Assert.True(result.StartTlsOffered);
        Assert.Equal("454 4.7.0 TLS not available due to local problem", result.StartTlsReply);
        Assert.Equal("STARTTLS refused: 454 4.7.0 TLS not available due to local problem", result.Error);
        Assert.False(result.TlsEstablished);
    }
}
