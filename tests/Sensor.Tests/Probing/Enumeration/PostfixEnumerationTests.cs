using System.Net;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Enumeration;
using static Sensor.Tests.Probing.ProbeTestSupport;

namespace Sensor.Tests.Probing.Enumeration;

/// <summary>
/// Enumeration of the real postfix on loopback (captures/tools/setup-servers.sh). Port 25 runs
/// Debian's defaults: smtpd_tls_protocols = &gt;=TLSv1 and tls_medium_cipherlist =
/// aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH, which OpenSSL 3 at its default security level turns into
/// TLS 1.0 to 1.3 with anonymous ECDH/DH suites but no RC4, export, NULL or 3DES (as
/// `openssl s_client -starttls smtp -tls1_2 -cipher aNULL@SECLEVEL=0` confirms: ADH-AES256-GCM-SHA384).
/// Port 2625 speaks TLS 1.0 only.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class PostfixEnumerationTests
{
    private static Task<EnumerationResult> Enumerate(int port, string host = "127.0.0.1") =>
        TlsEnumerator.RunAsync(new ProbeTarget(host, port, ProbeProtocol.Smtp, false), IPAddress.Loopback, Quick);

    [Fact]
    public async Task DefaultPostfixAcceptsTls10To13AndAeadAndAnonymousButNoRc4ExportNullOr3Des()
    {
        var result = await Enumerate(25);
        Assert.Equal(["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"], result.Versions);
        Assert.Equal(["SSLv3"], result.RejectedVersions);
        Assert.Equal(["anon", "cbc-sha1", "aead"], result.CipherClasses);
        Assert.Equal(["rc4", "export", "null", "3des"], result.RejectedCipherClasses);
        Assert.Equal(12, result.Attempts.Count);
        Assert.Equal(EnumerationResult.AlwaysNotTested, result.NotTested); // nothing else left open
        Assert.Contains("_anon_", result.ClassSuites["anon"]);
        Assert.Contains("GCM", result.ClassSuites["aead"]);
        Assert.All(result.Attempts.Where(a => a.Answer == "alert"), a => Assert.StartsWith("fatal ", a.Detail));
    }

    [Fact]
    public async Task ATls10OnlyListenerIsSeenThoughTheLocalOpenSslRefusesIt()
    {
        var result = await Enumerate(2625);
        Assert.Equal(["TLSv1.0"], result.Versions);
        Assert.Equal(["SSLv3", "TLSv1.1", "TLSv1.2", "TLSv1.3"], result.RejectedVersions);
        Assert.Equal("TLSv1.0", result.Attempts.Single(a => a.Test == "TLSv1.2").Version); // answered with a lower version: not accepted
        Assert.Contains("cbc-sha1", result.CipherClasses);
        Assert.DoesNotContain("aead", result.CipherClasses);
    }

    [Fact]
    public async Task AProbeWithEnumerateIsGradedOnEverythingAccepted()
    {
        var options = Quick with { Enumerate = true };
        var on25 = await MailProbe.RunAsync(new ProbeTarget("mail.example.test", 25, ProbeProtocol.Smtp, false, IPAddress.Loopback), IPAddress.Loopback, options);
        // Debian's default accepts anonymous suites (F) and TLS 1.0 (B): the score stays 78, the letter is capped
        Assert.Equal((ProbeOutcome.Ok, "enumerated", 78, "F"), (on25.Outcome, on25.GradeBasis, on25.Grade!.Score, on25.Grade.Letter));
        var record = ProbeRecord.From(on25, "local");
        Assert.Equal("enumerated", record.GradeBasis);
        Assert.Equal(["F: anonymous key exchange accepted (SSL Labs rating guide; internet.nl: insufficient)", "B: TLS 1.0 accepted (SSL Labs since January 2020)"],
            record.GradeCaps);
        Assert.Contains("TLSv1.3", record.Accepted!.Versions);
        Assert.Contains(record.Accepted.NotTested, n => n.What == "SSLv2");

        // the handshake fails locally, the enumeration still grades it: TLS 1.0 (90), ECDHE (90), AES-128 (80) scores 86,
        // but a TLS 1.0-only server is no A: no TLS 1.2 caps it at C, TLS 1.0 at B
        var on2625 = await MailProbe.RunAsync(new ProbeTarget("127.0.0.1", 2625, ProbeProtocol.Smtp, false), IPAddress.Loopback, options);
        Assert.Equal(ProbeOutcome.TlsFailed, on2625.Outcome);
        Assert.Equal(("enumerated", 86, "C"), (on2625.GradeBasis, on2625.Grade!.Score, on2625.Grade.Letter));
        Assert.Equal(["C: neither TLS 1.2 nor 1.3 accepted (SSL Labs since May 2015)", "B: TLS 1.0 accepted (SSL Labs since January 2020)"], on2625.Grade.Caps);

        // negotiated only: TLS 1.3 with ECDHE, nothing to cap
        var plain = await MailProbe.RunAsync(new ProbeTarget("127.0.0.1", 25, ProbeProtocol.Smtp, false), IPAddress.Loopback, Quick);
        Assert.Null(plain.Enumeration);
        Assert.Equal(("negotiated-only", "A"), (plain.GradeBasis, plain.Grade!.Letter));
        Assert.Null(plain.Grade.Caps);
    }

    [Fact]
    public async Task JsonRecordCarriesTheAcceptedObject()
    {
        var result = await MailProbe.RunAsync(new ProbeTarget("127.0.0.1", 2625, ProbeProtocol.Smtp, false), IPAddress.Loopback, Quick with { Enumerate = true });
        using var output = new MemoryStream();
        using (var writer = new JsonLinesWriter(output))
            writer.Write(ProbeRecord.From(result, "local"));
        using var json = System.Text.Json.JsonDocument.Parse(output.ToArray());
        var accepted = json.RootElement.GetProperty("accepted");
        Assert.Equal("TLSv1.0", accepted.GetProperty("versions")[0].GetString());
        Assert.Equal("cbc-sha1", accepted.GetProperty("cipher_classes")[0].GetString());
        Assert.Equal(4, accepted.GetProperty("rejected_versions").GetArrayLength());
        Assert.Contains(accepted.GetProperty("not_tested").EnumerateArray(), n => n.GetProperty("what").GetString() == "SSLv2" && n.GetProperty("why").GetString()!.Length > 0);
        Assert.Equal("enumerated", json.RootElement.GetProperty("grade_basis").GetString());
    }
}
