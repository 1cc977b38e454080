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

    /// <summary>Every selector (0 certificate, 1 SPKI) with every matching type (0 full, 1 SHA-256, 2 SHA-512).</summary>
    public static readonly TheoryData<int, int> SelectorsAndMatchings = new() { { 0, 0 }, { 0, 1 }, { 0, 2 }, { 1, 0 }, { 1, 1 }, { 1, 2 } };

    private static byte[] Selected(X509Certificate2 c, int selector) => selector == 0 ? c.RawData : c.PublicKey.ExportSubjectPublicKeyInfo();

    private static byte[] Data(X509Certificate2 c, int selector, int matching) => matching switch
    {
        0 => Selected(c, selector),
        1 => SHA256.HashData(Selected(c, selector)),
        _ => SHA512.HashData(Selected(c, selector)),
    };

    [Theory]
    [MemberData(nameof(SelectorsAndMatchings))]
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

    /// <summary>A CA, an intermediate it signed and a leaf for mx.example.test the intermediate signed.</summary>
    private static (X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf) MakeChain(string leafName = "mx.example.test", int leafDays = 30)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var root = rootRequest.CreateSelfSigned(now.AddDays(-90), now.AddDays(60));
        using var interKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var interRequest = new CertificateRequest("CN=Test Intermediate", interKey, HashAlgorithmName.SHA256);
        interRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var intermediate = interRequest.Create(root, now.AddDays(-80), now.AddDays(50), [1]).CopyWithPrivateKey(interKey);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest($"CN={leafName}", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(leafName);
        leafRequest.CertificateExtensions.Add(san.Build());
        var leaf = leafRequest.Create(intermediate, now.AddDays(leafDays - 31), now.AddDays(leafDays), [2]);
        return (root, intermediate, leaf);
    }

    private static DaneVerdict Ta(Tlsa record, X509Certificate2 leaf, params X509Certificate2[] sent) =>
        DaneMatcher.Evaluate([record], true, leaf.RawData, [.. sent.Select(c => c.RawData)], ["mx.example.test", "example.test"]);

    [Theory]
    [MemberData(nameof(SelectorsAndMatchings))]
    public void DaneTaMatchesTheRootOrTheIntermediateTheServerSent(int selector, int matching)
    {
        var (root, intermediate, leaf) = MakeChain();
        var atRoot = Ta(new Tlsa(2, selector, matching, Data(root, selector, matching)), leaf, intermediate, root);
        Assert.Equal(("match", "a DANE-TA(2) record matches 'CN=Test Root', the chain validates to it and the certificate names mx.example.test"), (atRoot.Result, atRoot.Note));
        var atIntermediate = Ta(new Tlsa(2, selector, matching, Data(intermediate, selector, matching)), leaf, intermediate);
        Assert.Equal(("match", "a DANE-TA(2) record matches 'CN=Test Intermediate', the chain validates to it and the certificate names mx.example.test"), (atIntermediate.Result, atIntermediate.Note));
    }

    [Fact]
    public void DaneTaNeedsTheAnchorAmongTheCertificatesSent()
    {
        var (root, intermediate, leaf) = MakeChain();
        var verdict = Ta(new Tlsa(2, 1, 1, Data(root, 1, 1)), leaf, intermediate);
        Assert.Equal(("mismatch", "no DANE-TA(2) record matches a certificate the server sent (2 with the leaf)"), (verdict.Result, verdict.Note));
    }

    [Fact]
    public void DaneTaAnchorThatDidNotSignTheChainIsAMismatch()
    {
        var (root, intermediate, leaf) = MakeChain();
        var (otherRoot, _, _) = MakeChain();
        // the server sends a root that matches the record but signed nothing it sent
        var verdict = Ta(new Tlsa(2, 0, 1, Data(otherRoot, 0, 1)), leaf, intermediate, root, otherRoot);
        Assert.Equal("mismatch", verdict.Result);
        Assert.StartsWith("a DANE-TA(2) record matches 'CN=Test Root' but the certificate does not chain up to it: ", verdict.Note);
        Assert.True(DaneMatcher.Usable(new Tlsa(2, 0, 1, Data(otherRoot, 0, 1))));
    }

    [Fact]
    public void DaneTaChecksTheNameButDaneEeDoesNot()
    {
        var (root, intermediate, leaf) = MakeChain("elsewhere.test");
        var ta = Ta(new Tlsa(2, 1, 1, Data(root, 1, 1)), leaf, intermediate, root);
        Assert.Equal(("mismatch", "the chain validates to the DANE-TA(2) anchor 'CN=Test Root' but the certificate names none of mx.example.test, example.test (RFC 7672 §3.2.2)"), (ta.Result, ta.Note));
        var ee = Ta(new Tlsa(3, 1, 1, Data(leaf, 1, 1)), leaf, intermediate, root);
        Assert.Equal("match", ee.Result);
        var (nextHopRoot, nextHopIntermediate, nextHopLeaf) = MakeChain("example.test");
        Assert.Equal("a DANE-TA(2) record matches 'CN=Test Root', the chain validates to it and the certificate names example.test",
            Ta(new Tlsa(2, 1, 1, Data(nextHopRoot, 1, 1)), nextHopLeaf, nextHopIntermediate, nextHopRoot).Note);
    }

    [Fact]
    public void DaneTaChecksDatesButDaneEeDoesNot()
    {
        var (root, intermediate, expired) = MakeChain(leafDays: -1);
        var ta = Ta(new Tlsa(2, 1, 1, Data(root, 1, 1)), expired, intermediate, root);
        Assert.Equal("mismatch", ta.Result);
        Assert.StartsWith("a DANE-TA(2) record matches 'CN=Test Root' but the certificate does not chain up to it: ", ta.Note);
        Assert.Equal("match", Ta(new Tlsa(3, 0, 1, Data(expired, 0, 1)), expired, intermediate, root).Result);
    }

    [Fact]
    public void DaneEeIsTriedBeforeDaneTaAndEitherMayMatch()
    {
        var (root, intermediate, leaf) = MakeChain();
        var records = new[] { new Tlsa(3, 1, 1, Data(Other, 1, 1)), new Tlsa(2, 1, 1, Data(root, 1, 1)) };
        var verdict = DaneMatcher.Evaluate(records, true, leaf.RawData, [intermediate.RawData, root.RawData], ["mx.example.test"]);
        Assert.Equal("match", verdict.Result);
        var neither = DaneMatcher.Evaluate([new Tlsa(3, 1, 1, Data(Other, 1, 1)), new Tlsa(2, 1, 1, Data(Other, 1, 1))], true, leaf.RawData, [intermediate.RawData, root.RawData], ["mx.example.test"]);
        Assert.Equal(("mismatch", "no DANE-EE(3) record matches the certificate; no DANE-TA(2) record matches a certificate the server sent (3 with the leaf)"), (neither.Result, neither.Note));
        Assert.Equal("a DANE-EE(3) record matches the certificate", DaneMatcher.Evaluate([new Tlsa(2, 1, 1, Data(Other, 1, 1)), new Tlsa(3, 1, 1, Data(Cert, 1, 1))], true, Cert.RawData).Note);
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
    [Fact, Trait(TestCategories.Name, TestCategories.Integration)]
    public void ValidatedAnswerAgainstThePostfixCertificateMatches()
    {
        using var mail = X509Certificate2.CreateFromPem(File.ReadAllText(ProbeTestSupport.CertificatePath));
        var spki = SHA256.HashData(mail.PublicKey.ExportSubjectPublicKeyInfo());
        var info = new ResourceRecordInfo("_25._tcp.mx1.example.test.", ResourceRecordType.TLSA, QueryClass.IN, 300, 35);
        var answer = new DnsAnswer(DnsAnswerKind.Records, true, [new TlsaRecord(info, 3, 1, 1, spki)], null);
        var check = ProbeBatch.DaneOf("_25._tcp.mx1.example.test", answer, mail.RawData, null, []);
        Assert.True(check.Checked);
        Assert.Equal("validated", check.Dnssec);
        Assert.Equal("match", check.Result);
        var entry = Assert.Single(check.Tlsa);
        Assert.Equal((3, 1, 1, Convert.ToHexStringLower(spki)), (entry.Usage, entry.Selector, entry.Matching, entry.Data));

        var wrong = new DnsAnswer(DnsAnswerKind.Records, true, [new TlsaRecord(info, 3, 1, 1, new byte[32])], null);
        Assert.Equal("mismatch", ProbeBatch.DaneOf("_25._tcp.mx1.example.test", wrong, mail.RawData, null, []).Result);
        var bogus = new DnsAnswer(DnsAnswerKind.ServFail, false, [], "SERVFAIL");
        var servfail = ProbeBatch.DaneOf("_25._tcp.mx1.example.test", bogus, mail.RawData, null, []);
        Assert.Equal(("bogus", "unusable"), (servfail.Dnssec, servfail.Result));
    }
}
