namespace Sensor.Core.Probing;

/// <summary>The key exchange a handshake used, as far as it can be told from the suite and certificate.</summary>
/// <param name="Kind">ECDHE, DHE, RSA, anon-DH, export.</param>
/// <param name="Bits">RSA-equivalent strength in bits used for the score.</param>
/// <param name="Assumed">True when the strength is not shown by the handshake API and was assumed.</param>
public sealed record KeyExchange(string Kind, int Bits, bool Assumed);

/// <summary>A score 0–100 and its letter, with the three parts it was made of; <see cref="Caps"/> the caps that lowered or bound the letter (see <see cref="GradeCaps"/>).</summary>
public sealed record Grade(int Score, string Letter, int ProtocolScore, int KeyExchangeScore, int CipherScore)
{
    public IReadOnlyList<string>? Caps { get; init; }
}

/// <summary>
/// The grade starttls.info gave, from the Qualys SSL Labs rating guide (its scorer einaros/sslrate):
/// score = 0.3·protocol + 0.3·key exchange + 0.4·cipher, each part the average of the weakest and
/// the strongest seen, rounded half up; letters A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E ≥ 20, F below.
/// <list type="bullet">
/// <item>Without enumeration (<see cref="Rate"/>, "grade_basis":"negotiated-only") one handshake is
/// seen, so weakest = strongest = negotiated.</item>
/// <item>With <c>--enumerate</c> (<see cref="RateEnumerated"/>, "grade_basis":"enumerated"):
/// protocol = average of the scores of the weakest and strongest version accepted (SSLv3 80,
/// TLS 1.0 90, TLS 1.1 95, TLS 1.2/1.3 100; the negotiated one counts as accepted); cipher = average
/// of the scores of the fewest and most bits among the suites the server picked for each accepted
/// class and the negotiated suite (NULL 0 bits → 0, export 40 → 20, RC4 128 → 80, 3DES 168 → 80,
/// AES-128 → 80, AES-256/ChaCha20 → 100); key exchange unchanged (the negotiated one: group and
/// curve sizes are not enumerated), except that accepting anonymous suites makes the weakest key
/// exchange anonymous DH (0), so the key-exchange score is the average of 0 and the negotiated one:
/// the guide's weakest-and-strongest rule.</item>
/// </list>
/// <see cref="Of"/> then caps the letter as the guide does today and internet.nl where stricter (<see cref="GradeCaps"/>).
/// The guide's cap for an untrusted chain is NOT applied: for
/// mail an unverified certificate is normal (a sending MTA does not check it unless DANE or MTA-STS
/// says so), so trust is reported beside the grade (cert_trusted) instead of zeroing it.
/// Pure: no I/O.
/// </summary>
public static class Grading
{
    public const string Basis = "negotiated-only";
    public const string EnumeratedBasis = "enumerated";

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
    /// The grade of a probe and its basis: negotiated-only from the handshake; enumerated when the
    /// enumeration accepted at least one version and class. Without a completed handshake (the local
    /// TLS library refused what the server speaks, e.g. TLS 1.0 only) the enumeration alone is graded,
    /// with the key exchange of the suite picked for the strongest class (ECDHE/DHE sizes assumed as
    /// for the handshake); RSA key transport needs the certificate's size, so then there is no grade.
    /// </summary>
    public static (Grade? Grade, string Basis) Of(TlsFacts? tls, Enumeration.EnumerationResult? accepted)
    {
        var (grade, basis) = Scored(tls, accepted);
        return (grade is null ? null : GradeCaps.Apply(grade, SeenBy(tls, accepted, basis == EnumeratedBasis)), basis);
    }

    /// <summary>What the caps look at: the negotiated handshake, and with an enumeration what it found accepted.</summary>
    private static GradeCaps.Seen SeenBy(TlsFacts? tls, Enumeration.EnumerationResult? accepted, bool enumerated)
    {
        var versions = new HashSet<string>(StringComparer.Ordinal);
        var classes = new HashSet<string>(StringComparer.Ordinal);
        var suites = new List<string>();
        if (tls is not null)
        {
            versions.Add(tls.Version);
            suites.Add(tls.CipherSuite);
        }
        if (enumerated)
        {
            versions.UnionWith(accepted!.Versions);
            classes.UnionWith(accepted.CipherClasses);
            suites.AddRange(accepted.ClassSuites.Values);
        }
        classes.UnionWith(suites.Select(GradeCaps.ClassOf));
        var forwardSecrecy = suites.Any(GradeCaps.IsForwardSecret) || tls?.KeyExchange.Kind is "ECDHE" or "DHE";
        return new GradeCaps.Seen(versions, classes, forwardSecrecy);
    }

    private static (Grade? Grade, string Basis) Scored(TlsFacts? tls, Enumeration.EnumerationResult? accepted)
    {
        var enumerated = accepted is { Versions.Count: > 0, ClassSuites.Count: > 0 };
        if (tls is not null && !enumerated)
            return (Rate(tls.Version, tls.KeyExchange, tls.CipherBits), Basis);
        if (!enumerated)
            return (null, Basis);
        var versions = accepted!.Versions.ToList();
        var bits = accepted.ClassSuites.Values.Select(CipherBitsOf).ToList();
        KeyExchange kx;
        if (tls is not null)
        {
            versions.Add(tls.Version);
            bits.Add(tls.CipherBits);
            kx = tls.KeyExchange;
        }
        else
        {
            var strongest = accepted.ClassSuites.Values.Where(s => !s.Contains("_anon_", StringComparison.Ordinal))
                .OrderByDescending(CipherBitsOf).FirstOrDefault();
            if (strongest is null || KeyExchangeOf(strongest, 0) is not { Kind: "ECDHE" or "DHE" } picked)
                return (null, Basis);
            kx = picked;
        }
        return (RateEnumerated([.. versions.Distinct()], kx, bits, accepted.AnonymousAccepted), EnumeratedBasis);
    }

    /// <summary>
    /// The grade on the full picture: <paramref name="versions"/> accepted, <paramref name="cipherBits"/>
    /// of every suite seen accepted, the negotiated key exchange, and whether anonymous suites were
    /// accepted (then the weakest key exchange is anonymous DH, 0). Empty lists fall back to nothing:
    /// the caller includes the negotiated values.
    /// </summary>
    public static Grade RateEnumerated(IReadOnlyCollection<string> versions, KeyExchange kx, IReadOnlyCollection<int> cipherBits, bool anonymousAccepted)
    {
        if (versions.Count == 0 || cipherBits.Count == 0)
            throw new ArgumentException("at least one accepted version and one cipher are needed");
        var protocolScores = versions.Select(ProtocolScore).ToList();
        var cipherScores = cipherBits.Select(CipherScore).ToList();
        // averages of weakest and strongest, kept doubled so the sum stays exact: 3p + 3k + 4c = (3·2p + 6k + 4·2c) / 2
        int k = KeyExchangeScore(kx);
        int p2 = protocolScores.Min() + protocolScores.Max(), c2 = cipherScores.Min() + cipherScores.Max(), k2 = (anonymousAccepted ? 0 : k) + k;
        var score = (3 * p2 + 3 * k2 + 4 * c2 + 10) / 20;
        return new Grade(score, Letter(score), (p2 + 1) / 2, (k2 + 1) / 2, (c2 + 1) / 2);
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
