using Sensor.Core.Catalogue;
using Sensor.Core.Sessions;

namespace Sensor.Core.Detection;

/// <summary>A negotiated handshake below today's floor (RFC 8996 deprecates TLS 1.0/1.1; RFC 7465 bans RC4).</summary>
internal static class WeakTlsJudge
{
    public static IEnumerable<Finding> Judge(MailSession session, RuleSet rules)
    {
        if (!session.TlsEstablished)
            yield break;
        if (VersionVariant(session.TlsVersion) is { } versionVariant)
            yield return Weak(session, rules, versionVariant, $"{session.TlsVersion} negotiated with {session.ServerText}");
        foreach (var cipherVariant in CipherVariants(session.TlsCipher ?? ""))
            yield return Weak(session, rules, cipherVariant, $"cipher {session.TlsCipher} negotiated with {session.ServerText}");
    }

    private static string? VersionVariant(string? version) => version switch
    {
        "SSLv2" => WeakTlsVariants.Sslv2,
        "SSLv3" => WeakTlsVariants.Sslv3,
        "TLSv1.0" => WeakTlsVariants.Tls10,
        "TLSv1.1" => WeakTlsVariants.Tls11,
        _ => null,
    };

    private static IEnumerable<string> CipherVariants(string cipher)
    {
        if (cipher.Contains("_RC4_", StringComparison.Ordinal))
            yield return WeakTlsVariants.Rc4;
        if (cipher.Contains("EXPORT", StringComparison.Ordinal))
            yield return WeakTlsVariants.Export;
        if (cipher.Contains("_anon_", StringComparison.Ordinal))
            yield return WeakTlsVariants.AnonDh;
        if (cipher.EndsWith("_NULL", StringComparison.Ordinal) || cipher.Contains("_NULL_", StringComparison.Ordinal))
            yield return WeakTlsVariants.Null;
    }

    private static Finding Weak(MailSession session, RuleSet rules, string variant, string summary) =>
        new(FindingKinds.TlsWeak, variant, rules.SeverityOf(FindingKinds.TlsWeak, variant), Confidences.Certain, session,
            session.StartTlsTicks == 0 ? session.StartTicks : session.StartTlsTicks, summary,
            [new(EvidenceKeys.TlsVersion, session.TlsVersion), new(EvidenceKeys.TlsCipher, session.TlsCipher)]);
}
