using Sensor.Core.Protocols.Tls;

namespace Sensor.Core.Probing.Enumeration;

/// <summary>One class of cipher suites the enumeration asks about, with the suites its ClientHello offers.</summary>
public sealed record CipherClass(string Name, IReadOnlyList<ushort> Suites);

/// <summary>
/// The cipher classes asked about, one ClientHello each (TLS 1.2 at most), and the protocol versions.
/// Suites are IANA code points (named by <see cref="TlsCipherSuites"/>). Anonymous suites are only
/// in "anon"; export suites only in "export", whatever their bulk cipher.
/// </summary>
public static class CipherClasses
{
    public const string Rc4 = "rc4", Export = "export", Null = "null", Anon = "anon", TripleDes = "3des", CbcSha1 = "cbc-sha1", Aead = "aead";

    public static readonly IReadOnlyList<CipherClass> All =
    [
        new(Rc4, [0xC011, 0xC007, 0x0005, 0x0004]),
        new(Export, [0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014, 0x0062, 0x0064]),
        new(Null, [0xC010, 0xC006, 0x003B, 0x0002, 0x0001]),
        new(Anon, [0xC018, 0xC019, 0xC017, 0xC016, 0xC015, 0x00A6, 0x00A7, 0x006C, 0x006D, 0x0034, 0x003A, 0x001B, 0x0018, 0x001A, 0x0017, 0x0019]),
        new(TripleDes, [0xC012, 0xC008, 0x0016, 0x0013, 0x000A]),
        new(CbcSha1, [0xC013, 0xC014, 0xC009, 0xC00A, 0x0033, 0x0039, 0x002F, 0x0035]),
        new(Aead, [0xC02F, 0xC030, 0xC02B, 0xC02C, 0xCCA8, 0xCCA9, 0x009E, 0x009F, 0xCCAA, 0x009C, 0x009D]),
    ];

    /// <summary>TLS 1.3 suites: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305.</summary>
    public static readonly IReadOnlyList<ushort> Tls13Suites = [0x1301, 0x1302, 0x1303];

    /// <summary>Versions asked about, oldest first, with the code point offered.</summary>
    public static readonly IReadOnlyList<(string Name, ushort Version)> Versions =
    [
        ("SSLv3", ClientHelloBuilder.Ssl3),
        ("TLSv1.0", ClientHelloBuilder.Tls10),
        ("TLSv1.1", ClientHelloBuilder.Tls11),
        ("TLSv1.2", ClientHelloBuilder.Tls12),
        ("TLSv1.3", ClientHelloBuilder.Tls13),
    ];

    /// <summary>The hello for one version: that version alone (TLS 1.3 through supported_versions), the suites it can use.</summary>
    public static ClientHelloSpec ForVersion(ushort version, string? serverName) => version switch
    {
        ClientHelloBuilder.Tls13 => new(ClientHelloBuilder.Tls12, [ClientHelloBuilder.Tls13], Tls13Suites, serverName),
        ClientHelloBuilder.Tls12 => new(version, [], [.. Suites(Aead), .. Suites(CbcSha1), .. Suites(TripleDes)], serverName),
        // SSLv3 to TLS 1.1 have no AEAD suites
        _ => new(version, [], [.. Suites(CbcSha1), .. Suites(TripleDes), .. Suites(Rc4)], serverName),
    };

    /// <summary>The hello for one class: its suites only, TLS 1.2 at most.</summary>
    public static ClientHelloSpec ForClass(CipherClass cipherClass, string? serverName) =>
        new(ClientHelloBuilder.Tls12, [], cipherClass.Suites, serverName);

    private static IReadOnlyList<ushort> Suites(string name) => All.First(c => c.Name == name).Suites;
}
