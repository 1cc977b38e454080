using Sensor.Core.Probing.Trust;

namespace Sensor.Fuzz;

/// <summary>What a probed server's certificate feeds the trust store lookup: its DER names.</summary>
internal static class CertificateTargets
{
    /// <summary>
    /// A certificate's issuer and subject read from its DER, their lookup keys, and OpenSSL's hash of
    /// each (the same bytes read as a bare Name too). Nothing may come out: not a certificate is null,
    /// a name that does not parse keys by its bytes.
    /// </summary>
    public static void Names(ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray();
        if (CertificateNames.IssuerAndSubject(bytes) is var (issuer, subject))
        {
            _ = CertificateNames.Key(issuer) + CertificateNames.Key(subject);
            _ = LibCrypto.Instance?.NameHash(issuer.Span);
        }
        _ = CertificateNames.Key(bytes);
        _ = LibCrypto.Instance?.NameHash(bytes);
    }
}
