using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DnsClient;
using DnsClient.Protocol;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Tests.Probing;

/// <summary>RFC 7672 matching on exact vectors: the expected data is computed here from a certificate made with CertificateRequest.</summary>
public class DaneMatcherTests
{
    private static readonly X509Certificate2 Cert = MakeCert("CN=mx.example.test");
    private static readonly X509Certificate2 Other = MakeCert("CN=other.example.test");

    private static X509Certificate2 MakeCert(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static byte[] Selected(X509Certificate2 c, int selector) => selector == 0 ? c.RawData : c.PublicKey.ExportSubjectPublicKeyInfo();

    private static byte[] Data(X509Certificate2 c, int selector, int matching) => matching switch
    {
        0 => Selected(c, selector),
        1 => SHA256.HashData(Selected(c, selector)),
        _ => SHA512.HashData(Selected(c, selector)),
    };

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    public void DaneEeMatchesEverySelectorAndMatchingType(int selector, int matching)
    {
        var verdict = DaneMatcher.Evaluate([new Tlsa(3, selector, matching, Data(Cert, selector, matching))], validated: true, Cert.RawData);
        Assert.Equal("match", verdict.Result);
        var wrong = DaneMatcher.Evaluate([new Tlsa(3, selector, matching, Data(Other, selector, matching))], validated: true, Cert.RawData);
        Assert.Equal("mismatch", wrong.Result);
    }

    [Fact]
    public void SpkiSha256IsTheWellKnownDigest()
    {
        // 3 1 1 is SHA-256 over the DER SubjectPublicKeyInfo, the same bytes the probe's spki_sha256 hashes.
        var expected = SHA256.HashData(Cert.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(32, expected.Length);
        Assert.True(DaneMatcher.Matches(new Tlsa(3, 1, 1, expected), Cert));
        Assert.False(DaneMatcher.Matches(new Tlsa(3, 0, 1, expected), Cert));
    }

    [Fact]
    public void OneMatchingRecordAmongOthersIsAMatch()
    {
        var records = new[] { new Tlsa(3, 1, 1, Data(Other, 1, 1)), new Tlsa(3, 0, 2, Data(Cert, 0, 2)), new Tlsa(1, 1, 1, Data(Cert, 1, 1)) };
        Assert.Equal("match", DaneMatcher.Evaluate(records, true, Cert.RawData).Result);
    }

    [Theory]
    [InlineData(0, "PKIX-TA(0) is unusable for SMTP")]
    [InlineData(1, "PKIX-EE(1) is unusable for SMTP")]
    [InlineData(4, "unknown usage 4")]
    public void PkixUsagesAreUnusableForSmtp(int usage, string why)
    {
        var verdict = DaneMatcher.Evaluate([new Tlsa(usage, 1, 1, Data(Cert, 1, 1))], true, Cert.RawData);
        Assert.Equal("unusable", verdict.Result);
        Assert.Contains(why, verdict.Note);
    }

    [Fact]
    public void DaneTaIsNotGuessedFromTheLeaf()
    {
        var verdict = DaneMatcher.Evaluate([new Tlsa(2, 1, 1, Data(Cert, 1, 1))], true, Cert.RawData);
        Assert.Equal("unusable", verdict.Result);
        Assert.Equal(DaneMatcher.TaNotVerifiable, verdict.Note);
        var withEe = DaneMatcher.Evaluate([new Tlsa(2, 1, 1, Data(Other, 1, 1)), new Tlsa(3, 1, 1, Data(Other, 1, 1))], true, Cert.RawData);
        Assert.Equal("unusable", withEe.Result);
        Assert.Contains(DaneMatcher.TaNotVerifiable, withEe.Note);
        Assert.Equal("match", DaneMatcher.Evaluate([new Tlsa(2, 1, 1, Data(Other, 1, 1)), new Tlsa(3, 1, 1, Data(Cert, 1, 1))], true, Cert.RawData).Result);
    }

    [Theory]
    [InlineData(3, 2, 1, "unknown selector 2")]
    [InlineData(3, 1, 3, "unknown matching type 3")]
    public void UnknownParametersAreUnusable(int usage, int selector, int matching, string why)
    {
        var verdict = DaneMatcher.Evaluate([new Tlsa(usage, selector, matching, new byte[32])], true, Cert.RawData);
        Assert.Equal("unusable", verdict.Result);
        Assert.Contains(why, verdict.Note);
    }

    [Fact]
    public void DigestOfTheWrongLengthIsUnusable()
    {
        var verdict = DaneMatcher.Evaluate([new Tlsa(3, 1, 1, Data(Cert, 1, 1)[..31])], true, Cert.RawData);
        Assert.Equal("unusable", verdict.Result);
        Assert.Contains("31 bytes", verdict.Note);
    }

    [Fact]
    public void UnvalidatedRecordsDoNotCount()
    {
        var verdict = DaneMatcher.Evaluate([new Tlsa(3, 1, 1, Data(Cert, 1, 1))], validated: false, Cert.RawData);
        Assert.Equal("none", verdict.Result);
        Assert.Contains("not DNSSEC-validated", verdict.Note);
    }

    [Fact]
    public void NoRecordsIsNoneAndNoCertificateIsAMismatch()
    {
        Assert.Equal("none", DaneMatcher.Evaluate([], true, Cert.RawData).Result);
        var noTls = DaneMatcher.Evaluate([new Tlsa(3, 1, 1, Data(Cert, 1, 1))], true, null);
        Assert.Equal("mismatch", noTls.Result);
        Assert.Contains("no certificate", noTls.Note);
    }

    [Theory]
    [InlineData(DnsAnswerKind.Records, true, "validated")]
    [InlineData(DnsAnswerKind.Records, false, "insecure")]
    [InlineData(DnsAnswerKind.NoData, true, "validated")]
    [InlineData(DnsAnswerKind.NxDomain, false, "insecure")]
    [InlineData(DnsAnswerKind.ServFail, false, "bogus")]
    [InlineData(DnsAnswerKind.Timeout, false, "unknown")]
    [InlineData(DnsAnswerKind.Refused, false, "unknown")]
    public void DnssecStatusComesFromTheAdBit(DnsAnswerKind kind, bool ad, string status) =>
        Assert.Equal(status, DnssecStatus.Of(kind, ad));

    /// <summary>
    /// The validated path against the real postfix certificate: a TLSA answer with AD set (built
    /// here: the test unbound serves local-data without AD) and the mail.pem the postfix shows.
    /// </summary>
    [Fact]
    public void ValidatedAnswerAgainstThePostfixCertificateMatches()
    {
        using var mail = X509Certificate2.CreateFromPem(File.ReadAllText(ProbeTestSupport.CertificatePath));
        var spki = SHA256.HashData(mail.PublicKey.ExportSubjectPublicKeyInfo());
        var info = new ResourceRecordInfo("_25._tcp.mx1.example.test.", ResourceRecordType.TLSA, QueryClass.IN, 300, 35);
        var answer = new DnsAnswer(DnsAnswerKind.Records, true, [new TlsaRecord(info, 3, 1, 1, spki)], null);
        var check = ProbeBatch.DaneOf("_25._tcp.mx1.example.test", answer, mail.RawData);
        Assert.True(check.Checked);
        Assert.Equal("validated", check.Dnssec);
        Assert.Equal("match", check.Result);
        var entry = Assert.Single(check.Tlsa);
        Assert.Equal((3, 1, 1, Convert.ToHexStringLower(spki)), (entry.Usage, entry.Selector, entry.Matching, entry.Data));

        var wrong = new DnsAnswer(DnsAnswerKind.Records, true, [new TlsaRecord(info, 3, 1, 1, new byte[32])], null);
        Assert.Equal("mismatch", ProbeBatch.DaneOf("_25._tcp.mx1.example.test", wrong, mail.RawData).Result);
        var bogus = new DnsAnswer(DnsAnswerKind.ServFail, false, [], "SERVFAIL");
        var servfail = ProbeBatch.DaneOf("_25._tcp.mx1.example.test", bogus, mail.RawData);
        Assert.Equal(("bogus", "unusable"), (servfail.Dnssec, servfail.Result));
    }
}
