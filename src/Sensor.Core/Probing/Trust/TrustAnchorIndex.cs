using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Sensor.Core.Probing.Trust;

/// <summary>
/// The certificates of the system's trust store, as DER, found by subject. The bundle file and any
/// directory without hash links are read whole, as .NET reads its machine store (PEM certificates
/// only: TRUSTED CERTIFICATE blocks with OpenSSL's extra trust data are skipped, as .NET skips
/// them). A hashed directory (Debian's /etc/ssl/certs, anything `openssl rehash` has run on) is
/// looked up the way OpenSSL looks it up: only the HASH.N files of a subject asked for, on demand.
/// Certificates are parsed only as far as their names: no X509 object, no formatted subject, no
/// thumbprint. A file reached twice (hash links point at the .pem files; the bundle sits in the
/// directory) is read once. Safe for concurrent probes.
/// </summary>
public sealed partial class TrustAnchorIndex
{
    private readonly Dictionary<string, List<StoreCertificate>> _bySubject = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly List<string> _hashedDirectories = [];
    private readonly HashSet<uint> _hashesLookedUp = [];
    private readonly LibCrypto? _crypto;
    private readonly Lock _gate = new();

    /// <summary>One certificate of the store; self-issued ones are the anchors, the others intermediates, as .NET sorts them.</summary>
    public sealed record StoreCertificate(byte[] Der, ReadOnlyMemory<byte> IssuerName, bool SelfIssued);

    /// <summary>Certificates read so far.</summary>
    public int Count { get; private set; }

    private TrustAnchorIndex(LibCrypto? crypto) => _crypto = crypto;

    public static TrustAnchorIndex Load(TrustSources sources) => Load(sources, LibCrypto.Instance);

    internal static TrustAnchorIndex Load(TrustSources sources, LibCrypto? crypto)
    {
        var index = new TrustAnchorIndex(crypto);
        if (sources.BundleFile is { } bundle)
            index.ReadFile(bundle);
        var directories = sources.Directories.Where(Directory.Exists).ToList();
        if (directories.Count == 0 && sources.DirectoriesAreDefault && Directory.Exists(TrustSources.FallbackDirectory))
            directories.Add(TrustSources.FallbackDirectory);
        foreach (var directory in directories)
        {
            if (crypto is not null && Directory.EnumerateFiles(directory).Any(f => HashLinkName().IsMatch(Path.GetFileName(f))))
                index._hashedDirectories.Add(directory);
            else
                foreach (var file in Directory.EnumerateFiles(directory))
                    index.ReadFile(file);
        }
        return index;
    }

    /// <summary>The store's certificates whose subject is <paramref name="name"/> (a DER Name).</summary>
    public IReadOnlyList<StoreCertificate> WithSubject(ReadOnlyMemory<byte> name)
    {
        lock (_gate)
        {
            if (_hashedDirectories.Count > 0 && _crypto?.NameHash(name.Span) is { } hash && _hashesLookedUp.Add(hash))
                foreach (var directory in _hashedDirectories)
                    for (var n = 0; ReadFile(Path.Combine(directory, $"{hash:x8}.{n}")); n++) { }
            return _bySubject.TryGetValue(CertificateNames.Key(name), out var list) ? [.. list] : [];
        }
    }

    /// <summary>Reads one file's PEM certificates; false when it is missing or holds none.</summary>
    private bool ReadFile(string path)
    {
        byte[] text;
        try
        {
            var real = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            if (!_read.Add(real))
                return true;
            text = File.ReadAllBytes(real);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        var found = false;
        ReadOnlySpan<byte> rest = text;
        while (PemEncoding.TryFindUtf8(rest, out var fields))
        {
            if (rest[fields.Label] is var label && (label.SequenceEqual("CERTIFICATE"u8) || label.SequenceEqual("X509 CERTIFICATE"u8)))
                found |= Add(Decode(rest[fields.Base64Data], fields.DecodedDataLength));
            rest = rest[fields.Location.End..];
        }
        return found;
    }

    /// <summary>Base64 of a PEM block (PemEncoding has checked it), line breaks and all, to DER.</summary>
    private static byte[] Decode(ReadOnlySpan<byte> base64, int length)
    {
        var der = new byte[length];
        Base64.DecodeFromUtf8(base64, der, out _, out _);
        return der;
    }

    private bool Add(byte[] der)
    {
        if (CertificateNames.IssuerAndSubject(der) is not var (issuer, subject))
            return false;
        var subjectKey = CertificateNames.Key(subject);
        if (!_bySubject.TryGetValue(subjectKey, out var list))
            _bySubject[subjectKey] = list = [];
        if (list.Exists(c => c.Der.AsSpan().SequenceEqual(der)))
            return true;
        var selfIssued = issuer.Span.SequenceEqual(subject.Span) || CertificateNames.Key(issuer) == subjectKey;
        list.Add(new StoreCertificate(der, issuer, selfIssued));
        Count++;
        return true;
    }

    [GeneratedRegex("^[0-9a-f]{8}\\.[0-9]+$")]
    private static partial Regex HashLinkName();
}
