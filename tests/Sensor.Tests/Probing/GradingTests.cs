using Sensor.Core.Probing;

namespace Sensor.Tests.Probing;

public class GradingTests
{
    [Theory]
    [InlineData("SSLv2", 0)]
    [InlineData("SSLv3", 80)]
    [InlineData("TLSv1.0", 90)]
    [InlineData("TLSv1.1", 95)]
    [InlineData("TLSv1.2", 100)]
    [InlineData("TLSv1.3", 100)]
    public void ProtocolScoresFollowTheRatingGuide(string version, int score) => Assert.Equal(score, Grading.ProtocolScore(version));

    [Theory]
    [InlineData("anon-DH", 4096, 0)]
    [InlineData("export", 512, 40)]
    [InlineData("RSA", 511, 20)]
    [InlineData("RSA", 512, 40)]
    [InlineData("RSA", 1023, 40)]
    [InlineData("RSA", 1024, 80)]
    [InlineData("RSA", 2047, 80)]
    [InlineData("RSA", 2048, 90)]
    [InlineData("ECDHE", 3072, 90)]
    [InlineData("RSA", 4096, 100)]
    public void KeyExchangeScoresFollowTheRatingGuide(string kind, int bits, int score) =>
        Assert.Equal(score, Grading.KeyExchangeScore(new KeyExchange(kind, bits, false)));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(40, 20)]
    [InlineData(127, 20)]
    [InlineData(128, 80)]
    [InlineData(255, 80)]
    [InlineData(256, 100)]
    public void CipherScoresFollowTheRatingGuide(int bits, int score) => Assert.Equal(score, Grading.CipherScore(bits));

    [Theory]
    [InlineData(100, "A")]
    [InlineData(80, "A")]
    [InlineData(79, "B")]
    [InlineData(65, "B")]
    [InlineData(64, "C")]
    [InlineData(50, "C")]
    [InlineData(49, "D")]
    [InlineData(35, "D")]
    [InlineData(34, "E")]
    [InlineData(20, "E")]
    [InlineData(19, "F")]
    [InlineData(0, "F")]
    public void LettersHaveTheGuidesBoundaries(int score, string letter) => Assert.Equal(letter, Grading.Letter(score));

    [Fact]
    public void ModernTls13HandshakeScores97()
    {
        // 0.3*100 + 0.3*90 (ECDHE, assumed 256-bit curve) + 0.4*100 = 97
        var suite = "TLS_AES_256_GCM_SHA384";
        var grade = Grading.Rate("TLSv1.3", Grading.KeyExchangeOf(suite, 2048), Grading.CipherBitsOf(suite));
        Assert.Equal(new Grade(97, "A", 100, 90, 100), grade);
    }

    [Fact]
    public void Tls10RsaTransportWith3DesScores86()
    {
        // 0.3*90 + 0.3*90 (RSA 2048) + 0.4*80 (168 bits, as the guide counts 3DES) = 27 + 27 + 32 = 86
        var suite = "TLS_RSA_WITH_3DES_EDE_CBC_SHA";
        var kx = Grading.KeyExchangeOf(suite, 2048);
        Assert.Equal(new KeyExchange("RSA", 2048, false), kx);
        Assert.Equal(168, Grading.CipherBitsOf(suite));
        Assert.Equal(new Grade(86, "A", 90, 90, 80), Grading.Rate("TLSv1.0", kx, 168));
    }

    [Fact]
    public void AnonymousExportAndNullSuitesScoreLow()
    {
        var anon = "TLS_DH_anon_WITH_AES_128_CBC_SHA";
        // 0.3*100 + 0 + 0.4*80 = 62 -> C
        Assert.Equal(new Grade(62, "C", 100, 0, 80), Grading.Rate("TLSv1.2", Grading.KeyExchangeOf(anon, 0), Grading.CipherBitsOf(anon)));
        var export = "TLS_RSA_EXPORT_WITH_RC4_40_MD5";
        // 0.3*80 + 0.3*40 + 0.4*20 = 24 + 12 + 8 = 44 -> D
        Assert.Equal(new Grade(44, "D", 80, 40, 20), Grading.Rate("SSLv3", Grading.KeyExchangeOf(export, 1024), Grading.CipherBitsOf(export)));
        var nullSuite = "TLS_RSA_WITH_NULL_SHA256";
        // 0.3*100 + 0.3*40 (RSA 1024 -> <2048 is 80; 1000 bits -> 40) + 0 = 42 -> D
        Assert.Equal(new Grade(42, "D", 100, 40, 0), Grading.Rate("TLSv1.2", Grading.KeyExchangeOf(nullSuite, 1000), Grading.CipherBitsOf(nullSuite)));
    }

    [Fact]
    public void ScoreRoundsHalfUp()
    {
        // 0.3*95 + 0.3*80 + 0.4*80 = 28.5 + 24 + 32 = 84.5 -> 85
        Assert.Equal(85, Grading.Rate("TLSv1.1", new KeyExchange("RSA", 1024, false), 128).Score);
    }

    [Theory]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE", 128)]
    [InlineData("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE", 256)]
    [InlineData("TLS_CHACHA20_POLY1305_SHA256", "ECDHE", 256)]
    [InlineData("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", 256)]
    [InlineData("TLS_RSA_WITH_RC4_128_SHA", "RSA", 128)]
    [InlineData("TLS_RSA_WITH_DES_CBC_SHA", "RSA", 56)]
    [InlineData("TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "anon-DH", 256)]
    public void SuiteNamesGiveKeyExchangeAndCipherBits(string suite, string kind, int bits)
    {
        Assert.Equal(kind, Grading.KeyExchangeOf(suite, 2048).Kind);
        Assert.Equal(bits, Grading.CipherBitsOf(suite));
    }
}
