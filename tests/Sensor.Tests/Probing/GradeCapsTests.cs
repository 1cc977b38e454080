using Sensor.Core.Probing;
using Sensor.Core.Probing.Enumeration;

namespace Sensor.Tests.Probing;

/// <summary>Each cap of docs/grading.md: the letter it gives, its reason, and that a server without it is not capped.</summary>
public class GradeCapsTests
{
    private static readonly string[] Modern = ["TLSv1.2", "TLSv1.3"];

    private static List<string> Caps(string[] versions, string[] classes, bool forwardSecrecy = true) =>
        GradeCaps.Of(new GradeCaps.Seen(versions, classes, forwardSecrecy));

    private static readonly Grade A97 = new(97, "A", 100, 90, 100);

    [Fact]
    public void AModernServerIsNotCapped()
    {
        Assert.Empty(Caps(Modern, [CipherClasses.Aead, CipherClasses.CbcSha1]));
        Assert.Same(A97, GradeCaps.Apply(A97, new GradeCaps.Seen(Modern, [CipherClasses.Aead], true)));
    }

    [Fact]
    public void Tls10IsCappedAtB() =>
        Assert.Equal(["B: TLS 1.0 accepted (SSL Labs since January 2020)"], Caps(["TLSv1.0", .. Modern], [CipherClasses.Aead]));

    [Fact]
    public void Tls11IsCappedAtB() =>
        Assert.Equal(["B: TLS 1.1 accepted (SSL Labs since January 2020)"], Caps(["TLSv1.1", .. Modern], [CipherClasses.Aead]));

    [Fact]
    public void NoTls12Or13IsCappedAtC() =>
        Assert.Equal(["C: neither TLS 1.2 nor 1.3 accepted (SSL Labs since May 2015)", "B: TLS 1.0 accepted (SSL Labs since January 2020)"],
            Caps(["TLSv1.0"], [CipherClasses.CbcSha1]));

    [Fact]
    public void Tls13AloneIsNotCappedForLackingTls12() => Assert.Empty(Caps(["TLSv1.3"], [CipherClasses.Aead]));

    [Fact]
    public void Ssl3IsF() =>
        Assert.Equal("F: SSLv3 accepted (internet.nl: insufficient; SSL Labs caps SSLv3 at C)", Caps(["SSLv3", .. Modern], [CipherClasses.Aead])[0]);

    [Fact]
    public void Rc4IsF() =>
        Assert.Equal(["F: RC4 accepted (internet.nl: insufficient; SSL Labs caps it at C with TLS 1.1+, B otherwise, since May 2015)"], Caps(Modern, [CipherClasses.Rc4]));

    [Fact]
    public void NullCiphersAreF() => Assert.Equal(["F: NULL ciphers accepted (internet.nl: insufficient)"], Caps(Modern, [CipherClasses.Null]));

    [Fact]
    public void ExportCiphersAreF() =>
        Assert.Equal(["F: export ciphers accepted (SSL Labs since March 2015, FREAK; internet.nl: insufficient)"], Caps(Modern, [CipherClasses.Export]));

    [Fact]
    public void AnonymousKeyExchangeIsF() =>
        Assert.Equal(["F: anonymous key exchange accepted (SSL Labs rating guide; internet.nl: insufficient)"], Caps(Modern, [CipherClasses.Anon]));

    [Fact]
    public void TripleDesWithModernProtocolsIsCappedAtC()
    {
        Assert.Equal(["C: 3DES (64-bit blocks) with TLS 1.1 or 1.2 (SSL Labs since January 2017, Sweet32)"], Caps(Modern, [CipherClasses.TripleDes]));
        // with TLS 1.0 alone the 3DES cap does not apply (that server is capped for its versions instead)
        Assert.DoesNotContain(Caps(["TLSv1.0"], [CipherClasses.TripleDes]), c => c.Contains("3DES"));
    }

    [Fact]
    public void NoForwardSecrecyIsCappedAtB() =>
        Assert.Equal(["B: no forward secrecy (SSL Labs since 2018)"], Caps(Modern, [CipherClasses.Aead], forwardSecrecy: false));

    [Fact]
    public void TheLetterIsTheWorstOfScoreAndCapsAndTheScoreIsKept()
    {
        var capped = GradeCaps.Apply(A97, new GradeCaps.Seen(["TLSv1.0"], [CipherClasses.CbcSha1], true));
        Assert.Equal((97, "C"), (capped.Score, capped.Letter));
        var low = new Grade(30, "E", 80, 20, 0);
        Assert.Equal("E", GradeCaps.Apply(low, new GradeCaps.Seen(["TLSv1.0", .. Modern], [CipherClasses.Aead], true)).Letter);
    }

    [Theory]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "aead", true)]
    [InlineData("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "cbc-sha1", true)]
    [InlineData("TLS_AES_256_GCM_SHA384", "aead", true)]
    [InlineData("TLS_RSA_WITH_AES_128_GCM_SHA256", "aead", false)]
    [InlineData("TLS_RSA_WITH_RC4_128_SHA", "rc4", false)]
    [InlineData("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "3des", true)]
    [InlineData("TLS_DH_anon_WITH_AES_128_CBC_SHA", "anon", false)]
    [InlineData("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "export", false)]
    [InlineData("TLS_RSA_WITH_NULL_SHA256", "null", false)]
    public void ANegotiatedSuiteHasItsClassAndForwardSecrecy(string suite, string cipherClass, bool forwardSecret) =>
        Assert.Equal((cipherClass, forwardSecret), (GradeCaps.ClassOf(suite), GradeCaps.IsForwardSecret(suite)));

    [Fact]
    public void ANegotiatedRsaKeyTransportHandshakeIsCappedAtB()
    {
        const string suite = "TLS_RSA_WITH_AES_256_GCM_SHA384";
        var facts = new TlsFacts("TLSv1.2", suite, Grading.KeyExchangeOf(suite, 2048), Grading.CipherBitsOf(suite), "", "", "", "", default, default, "RSA", 2048, false, null, false);
        var (grade, _) = Grading.Of(facts, null);
        Assert.Equal("B", grade!.Letter);
        Assert.Equal(["B: no forward secrecy (SSL Labs since 2018)"], grade.Caps);
    }
}
