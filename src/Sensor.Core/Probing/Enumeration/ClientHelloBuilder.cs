using System.Text;
using Sensor.Core.Protocols.Tls;

namespace Sensor.Core.Probing.Enumeration;

/// <summary>
/// What one hand-written ClientHello offers: the legacy_version (the highest version for TLS 1.2
/// and below), the TLS 1.3 supported_versions list (empty: no extension), the suites, and the host
/// name for SNI (null for an address).
/// </summary>
public sealed record ClientHelloSpec(ushort LegacyVersion, IReadOnlyList<ushort> SupportedVersions, IReadOnlyList<ushort> Suites, string? ServerName);

/// <summary>
/// Builds a ClientHello record byte for byte (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2), independent of
/// the local OpenSSL's protocol and security-level settings: that is what lets the probe ask a server
/// about SSLv3, TLS 1.0, RC4, export, NULL and anonymous suites that .NET refuses to offer.
/// Extensions a modern server needs so that a refusal is a real refusal: server_name (when probing a
/// name), supported_groups, ec_point_formats, signature_algorithms, and for TLS 1.3
/// supported_versions plus an x25519 key_share (any 32 bytes: the probe never finishes the handshake).
/// SSLv3 hellos carry no extensions (RFC 6101 has none). TLS_EMPTY_RENEGOTIATION_INFO_SCSV is always
/// offered. Pure: the random and key share come from the caller.
/// </summary>
public static class ClientHelloBuilder
{
    public const ushort Ssl3 = 0x0300, Tls10 = 0x0301, Tls11 = 0x0302, Tls12 = 0x0303, Tls13 = 0x0304;
    public const ushort RenegotiationScsv = 0x00FF;

    /// <summary>x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072.</summary>
    public static readonly ushort[] Groups = [0x001D, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101];

    /// <summary>ECDSA/RSA-PSS/RSA PKCS#1 with SHA-256/384/512, Ed25519, and SHA-1 (old servers sign with it).</summary>
    public static readonly ushort[] SignatureAlgorithms =
        [0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];

    public static byte[] Build(ClientHelloSpec spec, ReadOnlySpan<byte> random32, ReadOnlySpan<byte> keyShare32)
    {
        if (random32.Length != 32 || keyShare32.Length != 32)
            throw new ArgumentException("random and key share are 32 bytes each");
        var body = new List<byte>(512);
        U16(body, spec.LegacyVersion);
        body.AddRange(random32.ToArray());
        body.Add(0); // empty legacy_session_id
        var suites = spec.Suites.Append(RenegotiationScsv).ToList();
        U16(body, suites.Count * 2);
        foreach (var s in suites)
            U16(body, s);
        body.Add(1); // compression methods: null only
        body.Add(0);
        if (spec.LegacyVersion > Ssl3 || spec.SupportedVersions.Count > 0)
        {
            var extensions = Extensions(spec, keyShare32);
            U16(body, extensions.Count);
            body.AddRange(extensions);
        }
        var handshake = new List<byte>(body.Count + 4) { 1 }; // client_hello
        U24(handshake, body.Count);
        handshake.AddRange(body);
        // record: handshake, version (TLS 1.0 for 1.0 and later hellos, as browsers send; SSLv3 for SSLv3), length
        var record = new List<byte>(handshake.Count + 5) { TlsContentType.Handshake };
        U16(record, spec.LegacyVersion == Ssl3 ? Ssl3 : Tls10);
        U16(record, handshake.Count);
        record.AddRange(handshake);
        return [.. record];
    }

    private static List<byte> Extensions(ClientHelloSpec spec, ReadOnlySpan<byte> keyShare32)
    {
        var e = new List<byte>(256);
        if (spec.ServerName is { } name)
        {
            var host = Encoding.ASCII.GetBytes(name.TrimEnd('.'));
            Extension(e, 0x0000, d =>
            {
                U16(d, host.Length + 3);
                d.Add(0); // host_name
                U16(d, host.Length);
                d.AddRange(host);
            });
        }
        Extension(e, 0x000A, d => List16(d, Groups));
        Extension(e, 0x000B, d => d.AddRange([1, 0])); // ec_point_formats: uncompressed
        Extension(e, 0x000D, d => List16(d, SignatureAlgorithms));
        if (spec.SupportedVersions.Count > 0)
        {
            Extension(e, 0x002B, d =>
            {
                d.Add((byte)(spec.SupportedVersions.Count * 2));
                foreach (var v in spec.SupportedVersions)
                    U16(d, v);
            });
            var share = keyShare32.ToArray();
            Extension(e, 0x0033, d =>
            {
                U16(d, share.Length + 4);
                U16(d, 0x001D);
                U16(d, share.Length);
                d.AddRange(share);
            });
        }
        return e;
    }

    private static void Extension(List<byte> output, ushort type, Action<List<byte>> write)
    {
        var data = new List<byte>();
        write(data);
        U16(output, type);
        U16(output, data.Count);
        output.AddRange(data);
    }

    private static void List16(List<byte> output, ushort[] values)
    {
        U16(output, values.Length * 2);
        foreach (var v in values)
            U16(output, v);
    }

    private static void U16(List<byte> output, int value)
    {
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }

    private static void U24(List<byte> output, int value)
    {
        output.Add((byte)(value >> 16));
        U16(output, value & 0xFFFF);
    }
}
