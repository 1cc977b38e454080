using Sensor.Core.Probing;
using Sensor.Core.Probing.Enumeration;

namespace Sensor.Tests.Probing.Enumeration;

public class EnumeratedGradingTests
{
    private static readonly KeyExchange Ecdhe = new("ECDHE", 3072, true);

    [Theory]
    // versions, cipher bits, key exchange bits (RSA) -> score, letter, protocol, cipher
    [InlineData("TLSv1.0,TLSv1.1,TLSv1.2,TLSv1.3", "128,128,256", 3072, 92, "A", 95, 90)] // 0.3·95 + 0.3·90 + 0.4·90 = 91.5 -> 92
    [InlineData("TLSv1.2,TLSv1.3", "128,256", 3072, 93, "A", 100, 90)] // 30 + 27 + 36
    [InlineData("TLSv1.3", "256", 3072, 97, "A", 100, 100)] // the negotiated-only figure for TLS 1.3 + AES-256
    [InlineData("SSLv3,TLSv1.2", "40,128", 2048, 74, "B", 90, 50)] // export 20 and RC4 80: 27 + 27 + 20
    [InlineData("TLSv1.1,TLSv1.2", "128,256", 3072, 92, "A", 98, 90)] // protocol 97.5: 29.25 + 27 + 36 = 92.25
    [InlineData("TLSv1.2", "0,256", 3072, 77, "B", 100, 50)] // NULL: 30 + 27 + 20
    [InlineData("SSLv3", "0", 1000, 36, "D", 80, 0)] // 24 + 12 + 0
    public void ScoresAreTheAverageOfWeakestAndStrongest(string versions, string bits, int kxBits, int score, string letter, int protocol, int cipher)
    {
        var grade = Grading.RateEnumerated(versions.Split(','), new KeyExchange("RSA", kxBits, false), [.. bits.Split(',').Select(int.Parse)], anonymousAccepted: false);
        Assert.Equal((score, letter, protocol, cipher), (grade.Score, grade.Letter, grade.ProtocolScore, grade.CipherScore));
    }

    /// <summary>Accepting anonymous suites makes the weakest key exchange anonymous DH (0): the guide's weakest-and-strongest average, no cap of its own.</summary>
    [Fact]
    public void AnonymousSuitesMakeTheWeakestKeyExchangeZero()
    {
        var grade = Grading.RateEnumerated(["TLSv1.2", "TLSv1.3"], Ecdhe, [128, 256], anonymousAccepted: true);
        Assert.Equal((80, "A", 100, 45, 90), (grade.Score, grade.Letter, grade.ProtocolScore, grade.KeyExchangeScore, grade.CipherScore));
        var low = Grading.RateEnumerated(["SSLv3"], new KeyExchange("RSA", 1000, false), [0], anonymousAccepted: true);
        Assert.Equal((30, "E", 20), (low.Score, low.Letter, low.KeyExchangeScore));
        var lower = Grading.RateEnumerated(["SSLv2"], new KeyExchange("anon-DH", 0, false), [0], anonymousAccepted: true);
        Assert.Equal(0, lower.Score);
    }

    private static TlsFacts Facts(string version, string suite) =>
        new(version, suite, Grading.KeyExchangeOf(suite, 2048), Grading.CipherBitsOf(suite), "", "", "", "", default, default, "RSA", 2048, false, null, false);

    private static EnumerationResult Enumerated(string[] versions, params (string Class, string Suite)[] classes)
    {
        var result = new EnumerationResult();
        result.Versions.AddRange(versions);
        foreach (var (c, s) in classes)
        {
            result.CipherClasses.Add(c);
            result.ClassSuites[c] = s;
        }
        return result;
    }

    [Fact]
    public void WithoutEnumerationTheNegotiatedHandshakeIsGraded()
    {
        var (grade, basis) = Grading.Of(Facts("TLSv1.3", "TLS_AES_256_GCM_SHA384"), null);
        Assert.Equal((97, "negotiated-only"), (grade!.Score, basis));
        Assert.Equal((null, "negotiated-only"), Grading.Of(null, null));
    }

    [Fact]
    public void DefaultPostfixOn25LosesKeyExchangePointsForAnonymousSuites()
    {
        // what the enumeration saw on this machine's port 25: TLS 1.0-1.3, cbc-sha1, aead and anon
        var accepted = Enumerated(["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
            ("anon", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"), ("cbc-sha1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), ("aead", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        var (grade, basis) = Grading.Of(Facts("TLSv1.3", "TLS_AES_256_GCM_SHA384"), accepted);
        // the score loses the key-exchange points; the letter is capped: anonymous suites F, TLS 1.0 B
        Assert.Equal((78, "F", "enumerated"), (grade!.Score, grade.Letter, basis));
        accepted.CipherClasses.Remove("anon");
        accepted.ClassSuites.Remove("anon");
        (grade, _) = Grading.Of(Facts("TLSv1.3", "TLS_AES_256_GCM_SHA384"), accepted);
        Assert.Equal((92, "B", 95, 90, 90), (grade!.Score, grade.Letter, grade.ProtocolScore, grade.KeyExchangeScore, grade.CipherScore));
    }

    [Fact]
    public void AServerTheLocalLibraryCannotReachIsGradedFromTheEnumeration()
    {
        // port 2625: TLS 1.0 only; .NET's OpenSSL refuses it, the hand-written hello does not
        var accepted = Enumerated(["TLSv1.0"], ("cbc-sha1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        var (grade, basis) = Grading.Of(null, accepted);
        Assert.Equal((86, "C", 90, 90, 80, "enumerated"), (grade!.Score, grade.Letter, grade.ProtocolScore, grade.KeyExchangeScore, grade.CipherScore, basis));
        // RSA key transport needs the certificate's key size, which only a handshake shows
        Assert.Equal((null, "negotiated-only"), Grading.Of(null, Enumerated(["TLSv1.0"], ("cbc-sha1", "TLS_RSA_WITH_AES_128_CBC_SHA"))));
    }

    [Fact]
    public void AnEnumerationThatSettledNothingLeavesTheNegotiatedGrade()
    {
        var (grade, basis) = Grading.Of(Facts("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), new EnumerationResult());
        Assert.Equal((89, "negotiated-only"), (grade!.Score, basis));
    }
}
