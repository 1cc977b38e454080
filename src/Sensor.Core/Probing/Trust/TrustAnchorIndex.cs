using System.Security.Cryptography;

namespace Sensor.Core.Probing.Trust;

/// <summary>
/// The certificates of the system's trust store, as DER, indexed by subject key
/// (<see cref="CertificateNames.Key"/>). It reads what .NET reads for its machine store (every PEM
/// certificate of the bundle and of each file in the directories; TRUSTED CERTIFICATE blocks with
/// OpenSSL's extra trust data are skipped, as .NET skips them) but parses each certificate only as
/// far as its names: no X509 object, no formatted subject string, no thumbprint. A file reached
/// twice (Debian's hash links point at the .pem files, and the bundle sits in the directory) is
/// read once.
/// </summary>
public sealed class TrustAnchorIndex
{
    private readonly Dictionary<string, List<StoreCertificate>> _bySubject = new(StringComparer.Ordinal);

    /// <summary>One certificate of the store; self-issued ones are the anchors, the others intermediates, as .NET sorts them.</summary>
    public sealed record StoreCertificate(byte[] Der, string IssuerKey, bool SelfIssued);

    public int Count { get; private set; }

    public static TrustAnchorIndex Load(TrustSources sources)
    {
        var index = new TrustAnchorIndex();
        var read = new HashSet<string>(StringComparer.Ordinal);
        if (sources.BundleFile is { } bundle)
            index.ReadFile(bundle, read);
        var found = false;
        foreach (var directory in sources.Directories)
            found |= index.ReadDirectory(directory, read);
        if (!found && sources.DirectoriesAreDefault)
            index.ReadDirectory(TrustSources.FallbackDirectory, read);
        return index;
    }

    /// <summary>The store's certificates whose subject has this key.</summary>
    public IReadOnlyList<StoreCertificate> WithSubject(string key) => _bySubject.TryGetValue(key, out var list) ? list : [];

    private bool ReadDirectory(string directory, HashSet<string> read)
    {
        if (!Directory.Exists(directory))
            return false;
        var found = false;
        foreach (var file in Directory.EnumerateFiles(directory))
            found |= ReadFile(file, read);
        return found;
    }

    /// <summary>Reads one file's PEM certificates; false when it holds none or cannot be read.</summary>
    private bool ReadFile(string path, HashSet<string> read)
    {
        string text;
        try
        {
            var real = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            if (!read.Add(real))
                return true;
            text = File.ReadAllText(real);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        var found = false;
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (label is "CERTIFICATE" or "X509 CERTIFICATE")
                found |= Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            rest = rest[fields.Location.End..];
        }
        return found;
    }

    private bool Add(byte[] der)
    {
        if (CertificateNames.IssuerAndSubject(der) is not var (issuer, subject))
            return false;
        var subjectKey = CertificateNames.Key(subject);
        var issuerKey = CertificateNames.Key(issuer);
        if (!_bySubject.TryGetValue(subjectKey, out var list))
            _bySubject[subjectKey] = list = [];
        if (!list.Exists(c => c.Der.AsSpan().SequenceEqual(der)))
        {
            list.Add(new StoreCertificate(der, issuerKey, issuerKey == subjectKey));
            Count++;
        }
        return true;
    }
}
