namespace Sensor.Core.CrossCheck;

/// <summary>What a server chose (version and cipher suite) for a ClientHello that offered <paramref name="Offered"/> (IANA names, the client's order).</summary>
public sealed record TlsChoice(string Version, string Cipher, IReadOnlyList<string> Offered)
{
    /// <summary>
    /// Both choices tell about one server's settings: the same version, and each chosen suite offered by both
    /// clients in the same order. Then a server that follows its own preference (OpenSSL's
    /// SSL_OP_CIPHER_SERVER_PREFERENCE) and one that follows the client's (OpenSSL's default, Postfix's
    /// tls_preempt_cipherlist = no) each choose the same suite for both, so two different choices mean two
    /// differently set servers. A client that offers another list, or the same suites in another order,
    /// legitimately gets another choice and is not compared.
    /// </summary>
    public bool ComparableWith(TlsChoice other)
    {
        if (Version != other.Version)
            return false;
        int mine = IndexOf(Offered, Cipher), theirsHere = IndexOf(Offered, other.Cipher);
        int mineThere = IndexOf(other.Offered, Cipher), theirs = IndexOf(other.Offered, other.Cipher);
        return mine >= 0 && theirsHere >= 0 && mineThere >= 0 && theirs >= 0
            && (mine < theirsHere) == (mineThere < theirs);
    }

    /// <summary>
    /// "TLS cipher (VERSION): 'A' here; 'B' from VANTAGES" when some choices here and there are comparable
    /// and none of those agree.
    /// </summary>
    public static void Compare(IReadOnlyCollection<TlsChoice> here, IReadOnlyCollection<TlsChoice> there, string vantages, List<string> differences)
    {
        var pairs = here.SelectMany(h => there.Where(h.ComparableWith).Select(t => (Here: h, There: t))).ToList();
        if (pairs.Count == 0 || pairs.Any(p => p.Here.Cipher == p.There.Cipher))
            return;
        foreach (var version in pairs.Select(p => p.Here.Version).Distinct(StringComparer.Ordinal))
        {
            var ofVersion = pairs.Where(p => p.Here.Version == version).ToList();
            AnswerTraits.Compare($"TLS cipher ({version})", [.. ofVersion.Select(p => p.Here.Cipher).Distinct(StringComparer.Ordinal)],
                ofVersion.Select(p => p.There.Cipher), vantages, differences);
        }
    }

    private static int IndexOf(IReadOnlyList<string> offered, string cipher)
    {
        for (int i = 0; i < offered.Count; i++)
            if (offered[i] == cipher)
                return i;
        return -1;
    }
}
