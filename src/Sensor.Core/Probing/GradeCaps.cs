using Sensor.Core.Probing.Enumeration;

namespace Sensor.Core.Probing;

/// <summary>
/// The caps a grade gets on top of its score, as the SSL Labs rating guide applies them today, and
/// internet.nl's mail test where it is stricter (what it calls "insufficient" fails the test: F).
/// The score is kept; the letter is the worst of the score's letter and every cap that applies.
/// Each cap names its source; docs/grading.md lists them. Pure.
/// </summary>
public static class GradeCaps
{
    /// <summary>What the caps look at: the versions and cipher classes seen accepted (negotiated included) and whether any key exchange had forward secrecy.</summary>
    public sealed record Seen(IReadOnlyCollection<string> Versions, IReadOnlyCollection<string> Classes, bool ForwardSecrecy);

    /// <summary>The caps that apply, each "LETTER: why (source)", worst first.</summary>
    public static List<string> Of(Seen seen)
    {
        var caps = new List<(char Letter, string Why)>();
        bool Has(string version) => seen.Versions.Contains(version);
        bool Accepts(string cipherClass) => seen.Classes.Contains(cipherClass);
        if (Has("SSLv2") || Has("SSLv3"))
            caps.Add(('F', $"{(Has("SSLv2") ? "SSLv2" : "SSLv3")} accepted (internet.nl: insufficient; SSL Labs caps SSLv3 at C)"));
        if (Accepts(CipherClasses.Rc4))
            caps.Add(('F', "RC4 accepted (internet.nl: insufficient; SSL Labs caps it at C with TLS 1.1+, B otherwise, since May 2015)"));
        if (Accepts(CipherClasses.Null))
            caps.Add(('F', "NULL ciphers accepted (internet.nl: insufficient)"));
        if (Accepts(CipherClasses.Export))
            caps.Add(('F', "export ciphers accepted (SSL Labs since March 2015, FREAK; internet.nl: insufficient)"));
        if (Accepts(CipherClasses.Anon))
            caps.Add(('F', "anonymous key exchange accepted (SSL Labs rating guide; internet.nl: insufficient)"));
        if (!Has("TLSv1.2") && !Has("TLSv1.3"))
            caps.Add(('C', "neither TLS 1.2 nor 1.3 accepted (SSL Labs since May 2015)"));
        if (Accepts(CipherClasses.TripleDes) && (Has("TLSv1.1") || Has("TLSv1.2")))
            caps.Add(('C', "3DES (64-bit blocks) with TLS 1.1 or 1.2 (SSL Labs since January 2017, Sweet32)"));
        if (Has("TLSv1.0") || Has("TLSv1.1"))
            caps.Add(('B', $"{(Has("TLSv1.0") ? "TLS 1.0" : "TLS 1.1")} accepted (SSL Labs since January 2020)"));
        if (!seen.ForwardSecrecy)
            caps.Add(('B', "no forward secrecy (SSL Labs since 2018)"));
        return [.. caps.OrderByDescending(c => c.Letter).Select(c => $"{c.Letter}: {c.Why}")];
    }

    /// <summary>The grade with its letter capped (the worse of the two) and the caps listed; as it is when none applies.</summary>
    public static Grade Apply(Grade grade, Seen seen)
    {
        var caps = Of(seen);
        if (caps.Count == 0)
            return grade;
        var worst = (char)Math.Max(grade.Letter[0], caps[0][0]);
        return grade with { Letter = worst.ToString(), Caps = caps };
    }

    /// <summary>The cipher class of a negotiated suite (TLS 1.3 suites are AEAD), from its IANA name.</summary>
    public static string ClassOf(string suite) =>
        suite.Contains("_anon_", StringComparison.Ordinal) ? CipherClasses.Anon
        : suite.Contains("EXPORT", StringComparison.Ordinal) ? CipherClasses.Export
        : suite.Contains("NULL", StringComparison.Ordinal) ? CipherClasses.Null
        : suite.Contains("RC4", StringComparison.Ordinal) ? CipherClasses.Rc4
        : suite.Contains("3DES", StringComparison.Ordinal) ? CipherClasses.TripleDes
        : suite.Contains("_CBC_", StringComparison.Ordinal) ? CipherClasses.CbcSha1
        : CipherClasses.Aead;

    /// <summary>ECDHE and DHE (and every TLS 1.3 suite) give forward secrecy; RSA key transport and anonymous DH do not count.</summary>
    public static bool IsForwardSecret(string suite) =>
        !suite.Contains("_anon_", StringComparison.Ordinal)
        && (suite.StartsWith("TLS_ECDHE_", StringComparison.Ordinal) || suite.StartsWith("TLS_DHE_", StringComparison.Ordinal)
            || suite.StartsWith("TLS_AES_", StringComparison.Ordinal) || suite.StartsWith("TLS_CHACHA20_", StringComparison.Ordinal));
}
