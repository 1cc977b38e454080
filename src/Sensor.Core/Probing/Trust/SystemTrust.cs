using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sensor.Core.Probing.Trust;

/// <summary>What the system store says of a certificate chain: trusted, or why not.</summary>
public sealed record TrustVerdict(bool Trusted, string? Error);

/// <summary>
/// Checks a server's chain against the system trust store the way .NET would (PKIX, the
/// server-authentication usage, no revocation and no downloads: a probe talks to the server only),
/// but builds the chain only from the anchors and intermediates its issuers lead to. .NET loads
/// and parses the whole store (about 440 certificates on Debian) before it builds any chain; here
/// the bundle is indexed by subject on a pool thread, hashed directories are looked up by subject
/// hash as OpenSSL looks them up, and the chain gets the few certificates that matter. With
/// <see cref="RuntimeStoreIsolation"/> the runtime's own copy of the store is left empty, so the
/// handshake's chain build is cheap and this is the one trust decision in the process.
/// Where there is no OpenSSL store (Windows, macOS: <see cref="TrustSources.Exist"/>), the chain is
/// judged against the platform's own store (the Windows certificate store, the macOS keychain) with the
/// same policy.
/// </summary>
public sealed class SystemTrust(TrustSources sources)
{
    private const int MaxDepth = 8;
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private readonly Lazy<TrustAnchorIndex> _index = new(() => TrustAnchorIndex.Load(sources));
    private int _warming;

    /// <summary>True where no OpenSSL store is there and the platform's store decides.</summary>
    public bool UsesPlatformStore { get; } = !sources.Exist;

    /// <summary>The store this process was started with (SSL_CERT_FILE, SSL_CERT_DIR or OpenSSL's defaults).</summary>
    public static SystemTrust Default { get; } = new(TrustSources.FromEnvironment());

    /// <summary>Indexes the store on a pool thread now, so it overlaps start-up, DNS and the mail dialogue.</summary>
    public void WarmUp()
    {
        if (!UsesPlatformStore && Interlocked.Exchange(ref _warming, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(index => _ = index.Value, _index, preferLocal: false);
    }

    /// <summary>Whether <paramref name="leaf"/>, with the certificates the server sent after it, chains to an anchor of the store.</summary>
    public TrustVerdict Evaluate(X509Certificate2 leaf, IReadOnlyCollection<X509Certificate2> sent)
    {
        var (anchors, intermediates) = UsesPlatformStore ? ([], []) : StoreCertificatesFor([leaf, .. sent]);
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = UsesPlatformStore ? X509ChainTrustMode.System : X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(anchors.ToArray());
        policy.ExtraStore.AddRange(sent.ToArray());
        policy.ExtraStore.AddRange(intermediates.ToArray());
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(ServerAuthentication);
        try
        {
            if (chain.Build(leaf))
                return new TrustVerdict(true, null);
            var reason = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).FirstOrDefault(s => s.Length > 0);
            return new TrustVerdict(false, reason ?? "the chain does not validate");
        }
        catch (CryptographicException e)
        {
            // a certificate OpenSSL cannot build a chain from is a result, not the end of the probe
            return new TrustVerdict(false, $"the chain could not be built: {e.Message}");
        }
        finally
        {
            foreach (var element in chain.ChainElements)
                element.Certificate.Dispose();
            foreach (var certificate in anchors.Concat(intermediates))
                certificate.Dispose();
        }
    }

    /// <summary>For HttpClient and NATS: a server certificate acceptable by <see cref="Problem"/>.</summary>
    public bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Problem(certificate, chain, errors) is null;

    /// <summary>
    /// Why a server certificate is not acceptable, or null when it is: it must be there and name the
    /// server (the runtime checks both); its chain is judged here when the runtime's own store did
    /// not vouch for it.
    /// </summary>
    public string? Problem(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return "no certificate";
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return "the certificate does not name the host";
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0)
            return null;
        using var leaf = new X509Certificate2(certificate);
        var sent = SentAfter(leaf, chain);
        var verdict = Evaluate(leaf, sent);
        foreach (var c in sent)
            c.Dispose();
        return verdict.Trusted ? null : $"the certificate is not trusted: {verdict.Error}";
    }

    /// <summary>
    /// Copies of the certificates the server sent after its leaf, which SslStream puts into the
    /// ExtraStore of the chain it hands a validation callback (the chain is gone after the callback).
    /// </summary>
    public static List<X509Certificate2> SentAfter(X509Certificate leaf, X509Chain? chain)
    {
        if (chain is null)
            return [];
        var leafDer = leaf.GetRawCertData();
        return [.. chain.ChainPolicy.ExtraStore.Where(c => !c.RawData.AsSpan().SequenceEqual(leafDer)).Select(c => new X509Certificate2(c))];
    }

    /// <summary>The store's certificates the issuers of <paramref name="presented"/> lead to, following store intermediates up to <see cref="MaxDepth"/> steps.</summary>
    private (List<X509Certificate2> Anchors, List<X509Certificate2> Intermediates) StoreCertificatesFor(IEnumerable<X509Certificate2> presented)
    {
        var index = _index.Value;
        List<X509Certificate2> anchors = [], intermediates = [];
        var wanted = new Queue<ReadOnlyMemory<byte>>(presented.Select(c => (ReadOnlyMemory<byte>)c.IssuerName.RawData));
        var asked = new HashSet<string>(StringComparer.Ordinal);
        for (var steps = 0; wanted.TryDequeue(out var issuer) && steps < MaxDepth * 4; steps++)
        {
            if (!asked.Add(CertificateNames.Key(issuer)))
                continue;
            foreach (var found in index.WithSubject(issuer))
            {
                if (Load(found.Der) is not { } certificate)
                    continue;
                (found.SelfIssued ? anchors : intermediates).Add(certificate);
                if (!found.SelfIssued)
                    wanted.Enqueue(found.IssuerName);
            }
        }
        return (anchors, intermediates);
    }

    /// <summary>A store certificate .NET cannot load is left out, as .NET leaves it out of its own store.</summary>
    private static X509Certificate2? Load(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
