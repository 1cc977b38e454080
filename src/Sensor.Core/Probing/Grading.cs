namespace Sensor.Core.Probing;

/// <summary>The key exchange a handshake used, as far as it can be told from the suite and certificate.</summary>
/// <param name="Kind">ECDHE, DHE, RSA, anon-DH, export.</param>
/// <param name="Bits">RSA-equivalent strength in bits used for the score.</param>
/// <param name="Assumed">True when the strength is not shown by the handshake API and was assumed.</param>
public sealed record KeyExchange(string Kind, int Bits, bool Assumed);

/// <summary>A score 0–100 and its letter, with the three parts it was made of.</summary>
public sealed record Grade(int Score, string Letter, int ProtocolScore, int KeyExchangeScore, int CipherScore);

/// <summary>
/// The grade starttls.info gave, from the Qualys SSL Labs rating guide (its scorer einaros/sslrate):
/// score = 0.3·protocol + 0.3·key exchange + 0.4·cipher, each part the average of the weakest and
/// the strongest seen. This slice sees one handshake, so weakest = strongest = negotiated
/// ("grade_basis":"negotiated-only"). The guide's cap for an untrusted chain is NOT applied: for
/// mail an unverified certificate is normal (a sending MTA does not check it unless DANE or MTA-STS
/// says so), so trust is reported beside the grade (cert_trusted) instead of zeroing it.
/// Pure: no I/O.
/// </summary>
public static class Grading
{
    public const string Basis = "negotiated-only";

    /// <summary>SSLv2 0, SSLv3 80, TLS 1.0 90, TLS 1.1 95, TLS 1.2 and 1.3 100.</summary>
    public static int ProtocolScore(string version) => version switch
    {
        "SSLv2" => 0,
        "SSLv3" => 80,
        "TLSv1.0" => 90,
        "TLSv1.1" => 95,
        "TLSv1.2" or "TLSv1.3" => 100,
        _ => 0,
    };

    /// <summary>Anonymous DH 0, export 40, under 512 bits 20, under 1024 40, under 2048 80, under 4096 90, else 100.</summary>
    public static int KeyExchangeScore(KeyExchange kx) => kx.Kind switch
    {
        "anon-DH" => 0,
        "export" => 40,
        _ => kx.Bits switch
        {
            < 512 => 20,
            < 1024 => 40,
            < 2048 => 80,
            < 4096 => 90,
            _ => 100,
        },
    };

    /// <summary>0 bits 0, under 128 20, under 256 80, 256 and more 100.</summary>
    public static int CipherScore(int bits) => bits switch
    {
        0 => 0,
        < 128 => 20,
        < 256 => 80,
        _ => 100,
    };

    public static string Letter(int score) => score switch
    {
        >= 80 => "A",
        >= 65 => "B",
        >= 50 => "C",
        >= 35 => "D",
        >= 20 => "E",
        _ => "F",
    };

    public static Grade Rate(string version, KeyExchange kx, int cipherBits)
    {
        int p = ProtocolScore(version), k = KeyExchangeScore(kx), c = CipherScore(cipherBits);
        // Integer arithmetic: 3p + 3k + 4c is exact, then rounded half up.
        var score = (3 * p + 3 * k + 4 * c + 5) / 10;
        return new Grade(score, Letter(score), p, k, c);
    }

    /// <summary>
    /// The key exchange of an IANA cipher suite name. TLS 1.3 suites and ECDHE: the group is not
    /// exposed by SslStream, so a 256-bit curve (P-256/X25519, about 3072-bit RSA) is assumed;
    /// DHE: a 2048-bit group is assumed; RSA key transport: the certificate's key size.
    /// </summary>
    public static KeyExchange KeyExchangeOf(string suite, int certKeyBits)
    {
        if (suite.Contains("_anon_", StringComparison.Ordinal))
            return new KeyExchange("anon-DH", 0, false);
        if (suite.Contains("EXPORT", StringComparison.Ordinal))
            return new KeyExchange("export", 512, false);
        if (suite.StartsWith("TLS_ECDHE_", StringComparison.Ordinal) || IsTls13Suite(suite))
            return new KeyExchange("ECDHE", 3072, true);
        if (suite.StartsWith("TLS_DHE_", StringComparison.Ordinal))
            return new KeyExchange("DHE", 2048, true);
        if (suite.StartsWith("TLS_RSA_", StringComparison.Ordinal))
            return new KeyExchange("RSA", certKeyBits, false);
        return new KeyExchange("unknown", certKeyBits, true);
    }

    /// <summary>The bulk cipher's key bits from an IANA suite name (3DES counts 168, as the rating guide does).</summary>
    public static int CipherBitsOf(string suite)
    {
        var cipher = IsTls13Suite(suite) ? suite : suite[(suite.IndexOf("_WITH_", StringComparison.Ordinal) + 1)..];
        if (cipher.Contains("NULL", StringComparison.Ordinal))
            return 0;
        if (cipher.Contains("40", StringComparison.Ordinal) && cipher.Contains("EXPORT", StringComparison.Ordinal) || cipher.Contains("DES40", StringComparison.Ordinal) || cipher.Contains("RC4_40", StringComparison.Ordinal) || cipher.Contains("RC2_CBC_40", StringComparison.Ordinal))
            return 40;
        if (cipher.Contains("3DES", StringComparison.Ordinal))
            return 168;
        if (cipher.Contains("DES_CBC", StringComparison.Ordinal))
            return 56;
        if (cipher.Contains("_256", StringComparison.Ordinal) || cipher.Contains("CHACHA20", StringComparison.Ordinal))
            return 256;
        if (cipher.Contains("_128", StringComparison.Ordinal) || cipher.Contains("SEED", StringComparison.Ordinal) || cipher.Contains("IDEA", StringComparison.Ordinal))
            return 128;
        return 0;
    }

    private static bool IsTls13Suite(string suite) =>
        suite.StartsWith("TLS_AES_", StringComparison.Ordinal) || suite.StartsWith("TLS_CHACHA20_", StringComparison.Ordinal);
}
