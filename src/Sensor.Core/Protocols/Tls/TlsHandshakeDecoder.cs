using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Tls;

/// <summary>Decodes the plaintext handshake messages Sensor reports: ClientHello, ServerHello, Certificate.</summary>
internal sealed class TlsHandshakeDecoder(Direction direction)
{
    /// <summary>Past this many distinct certificates the cache stops growing (hostile traffic can mint new ones without end).</summary>
    public const int MaxCachedCertificates = 1024;

    /// <summary>
    /// Decoded names and validity by the SHA-256 of the DER. A server sends the same certificate to
    /// every client, and building an X509Certificate2 costs far more than the hash, so a repeated
    /// certificate costs one hash. A static cache in a pure parser is acceptable because it is a memo
    /// of a pure function: the value depends only on the DER bytes the key is the hash of, so with or
    /// without it every event is the same; it is bounded (<see cref="MaxCachedCertificates"/>, then
    /// it stops adding) and thread-safe (parsers of different sessions may run concurrently).
    /// Certificates that fail to decode are not cached.
    /// </summary>
    private static readonly ConcurrentDictionary<string, CertificateNames> CertificateCache = new(StringComparer.Ordinal);
    private static int _cachedCertificates;

    private const byte ClientHello = 1, ServerHello = 2, Certificate = 11;
    private const ushort ServerNameExtension = 0, SupportedVersionsExtension = 43;

    /// <summary>Handles one message; true when the rest of this direction is encrypted (TLS 1.3 after ServerHello).</summary>
    public bool Decode(byte type, ReadOnlySpan<byte> body, IMailEventSink sink)
    {
        switch (type)
        {
            case ClientHello when direction == Direction.ClientToServer:
                return Malformed(DecodeClientHello(body, sink), "ClientHello", sink);
            case ServerHello when direction == Direction.ServerToClient:
                var ok = DecodeServerHello(body, sink, out bool tls13);
                return Malformed(ok, "ServerHello", sink) || tls13;
            case Certificate when direction == Direction.ServerToClient:
                return Malformed(DecodeCertificate(body, sink), "Certificate", sink);
            default:
                return false;
        }
    }

    private bool Malformed(bool ok, string message, IMailEventSink sink)
    {
        if (!ok)
            sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.TlsMalformedHandshake, message));
        return !ok;
    }

    /// <summary>RFC 8446 §4.1.2 (and RFC 5246 §7.4.1.2): version, random, session id, suites, compression, extensions.</summary>
    private static bool DecodeClientHello(ReadOnlySpan<byte> body, IMailEventSink sink)
    {
        var reader = new TlsReader(body);
        if (!reader.TryU16(out ushort legacyVersion) || !reader.TryBytes(32, out _) || !reader.TryVector(1, out _)
            || !reader.TryVector(2, out var suiteBytes) || !reader.TryVector(1, out _))
            return false;
        var suites = new List<ushort>(suiteBytes.Length / 2);
        for (int i = 0; i + 1 < suiteBytes.Length; i += 2)
            suites.Add((ushort)(suiteBytes[i] << 8 | suiteBytes[i + 1]));
        string? sni = null;
        List<string>? versions = null;
        if (!reader.IsEmpty && !ReadClientExtensions(ref reader, ref sni, ref versions))
            return false;
        // Offered versions: supported_versions when present (RFC 8446 §4.2.1), else the legacy field alone.
        versions ??= [TlsNames.Version(legacyVersion)];
        sink.Emit(new TlsClientHelloEvent(sni, versions, suites));
        return true;
    }

    private static bool ReadClientExtensions(ref TlsReader reader, ref string? sni, ref List<string>? versions)
    {
        if (!reader.TryVector(2, out var extensions))
            return false;
        var ext = new TlsReader(extensions);
        while (!ext.IsEmpty)
        {
            if (!ext.TryU16(out ushort type) || !ext.TryVector(2, out var data))
                return false;
            if (type == ServerNameExtension)
                sni = ReadServerName(data);
            else if (type == SupportedVersionsExtension)
                versions = ReadOfferedVersions(data);
        }
        return true;
    }

    /// <summary>RFC 6066 §3: a list of (type, name); type 0 is a DNS host name.</summary>
    private static string? ReadServerName(ReadOnlySpan<byte> data)
    {
        var reader = new TlsReader(data);
        if (!reader.TryVector(2, out var list))
            return null;
        var names = new TlsReader(list);
        while (names.TryU8(out byte type) && names.TryVector(2, out var name))
        {
            if (type == 0)
                return WireText.Escape(name, 255);
        }
        return null;
    }

    private static List<string>? ReadOfferedVersions(ReadOnlySpan<byte> data)
    {
        var reader = new TlsReader(data);
        if (!reader.TryVector(1, out var list))
            return null;
        var versions = new List<string>();
        for (int i = 0; i + 1 < list.Length; i += 2)
        {
            ushort version = (ushort)(list[i] << 8 | list[i + 1]);
            if (!TlsNames.IsGrease(version))
                versions.Add(TlsNames.Version(version));
        }
        return versions;
    }

    /// <summary>RFC 8446 §4.1.3: the selected version is in supported_versions when present (TLS 1.3), else legacy_version.</summary>
    private static bool DecodeServerHello(ReadOnlySpan<byte> body, IMailEventSink sink, out bool tls13)
    {
        tls13 = false;
        var reader = new TlsReader(body);
        if (!reader.TryU16(out ushort version) || !reader.TryBytes(32, out _) || !reader.TryVector(1, out _)
            || !reader.TryU16(out ushort suite) || !reader.TryU8(out _))
            return false;
        if (!reader.IsEmpty && reader.TryVector(2, out var extensions))
            version = SelectedVersion(extensions) ?? version;
        tls13 = version == 0x0304;
        sink.Emit(new TlsServerHelloEvent(TlsNames.Version(version), suite, TlsCipherSuites.Name(suite)));
        return true;
    }

    private static ushort? SelectedVersion(ReadOnlySpan<byte> extensions)
    {
        var ext = new TlsReader(extensions);
        while (ext.TryU16(out ushort type) && ext.TryVector(2, out var data))
        {
            if (type == SupportedVersionsExtension && data.Length == 2)
                return (ushort)(data[0] << 8 | data[1]);
        }
        return null;
    }

    /// <summary>RFC 5246 §7.4.2: a 3-byte-length list of 3-byte-length DER certificates, the sender's (leaf) first.</summary>
    private bool DecodeCertificate(ReadOnlySpan<byte> body, IMailEventSink sink)
    {
        var reader = new TlsReader(body);
        if (!reader.TryVector(3, out var list))
            return false;
        var certs = new TlsReader(list);
        if (certs.IsEmpty)
            return true; // an empty list is legal (no certificate); nothing to report
        if (!certs.TryVector(3, out var leaf))
            return false;
        EmitCertificate(leaf, sink);
        return true;
    }

    private void EmitCertificate(ReadOnlySpan<byte> der, IMailEventSink sink)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(der, hash);
        string sha256 = Convert.ToHexStringLower(hash);
        if (!CertificateCache.TryGetValue(sha256, out var names))
        {
            try
            {
                names = DecodeNames(der);
            }
            catch (CryptographicException e)
            {
                sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.TlsBadCertificate, e.GetType().Name));
                return;
            }
            // ConcurrentDictionary.Count takes every lock: count the adds instead (concurrent adds may pass the cap by a few).
            if (Volatile.Read(ref _cachedCertificates) < MaxCachedCertificates && CertificateCache.TryAdd(sha256, names))
                Interlocked.Increment(ref _cachedCertificates);
        }
        sink.Emit(new TlsCertificateEvent(sha256, names.Subject, names.Issuer, names.NotBefore, names.NotAfter));
    }

    private static CertificateNames DecodeNames(ReadOnlySpan<byte> der)
    {
        using var cert = X509CertificateLoader.LoadCertificate(der);
        return new CertificateNames(
            WireText.Escape(System.Text.Encoding.UTF8.GetBytes(cert.Subject), 512),
            WireText.Escape(System.Text.Encoding.UTF8.GetBytes(cert.Issuer), 512),
            cert.NotBefore.ToUniversalTime(),
            cert.NotAfter.ToUniversalTime());
    }

    /// <summary>What a certificate event says beyond its hash.</summary>
    private sealed record CertificateNames(string Subject, string Issuer, DateTime NotBefore, DateTime NotAfter);
}
