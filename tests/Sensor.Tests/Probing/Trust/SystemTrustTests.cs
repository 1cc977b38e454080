using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sensor.Core.Probing.Trust;

namespace Sensor.Tests.Probing.Trust;

public sealed class TrustChainFixture : IDisposable
{
    public OpensslTestChain Chain { get; } = new("trust.signed.test");

    /// <summary>A new directory holding copies of <paramref name="pems"/>, hash-linked by `openssl rehash` as in /etc/ssl/certs.</summary>
    public string HashedDirectory(params string[] pems)
    {
        var dir = PlainDirectory(pems);
        Chain.Openssl("rehash", dir);
        return dir;
    }

    /// <summary>A new directory holding copies of <paramref name="pems"/>, no hash links.</summary>
    public string PlainDirectory(params string[] pems)
    {
        var dir = Path.Combine(Chain.Directory, $"store-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        foreach (var pem in pems)
            File.Copy(pem, Path.Combine(dir, Path.GetFileName(pem)));
        return dir;
    }

    public void Dispose() => Chain.Dispose();
}

/// <summary>
/// Trust decisions against stores made for the test: a bundle file, hashed directories as
/// Debian's /etc/ssl/certs is laid out, with the anchor, an intermediate, or neither.
/// </summary>
public class SystemTrustTests(TrustChainFixture f) : IClassFixture<TrustChainFixture>
{
    private OpensslTestChain C => f.Chain;

    private TrustVerdict Evaluate(TrustSources sources, bool sendIntermediate = true, string? leafPem = null)
    {
        using var leaf = C.Load(leafPem ?? C.LeafPem);
        using var inter = C.Load(C.IntermediatePem);
        return new SystemTrust(sources).Evaluate(leaf, sendIntermediate ? [inter] : []);
    }

    [Fact]
    public void RootInTheBundleTrustsTheChainTheServerSent() =>
        Assert.Equal(new TrustVerdict(true, null), Evaluate(new TrustSources(C.RootPem, [])));

    [Fact]
    public void RootInAHashedDirectoryIsLookedUpByItsSubjectOnceAndTrusted()
    {
        var sources = new TrustSources(null, [f.HashedDirectory(C.RootPem, C.OtherRootPem)]);
        var index = TrustAnchorIndex.Load(sources);
        Assert.Equal(0, index.Count);
        using var root = C.Load(C.RootPem);
        Assert.Equal(root.RawData, Assert.Single(index.WithSubject(root.SubjectName.RawData)).Der);
        Assert.Single(index.WithSubject(root.SubjectName.RawData));
        Assert.Equal(1, index.Count);
        Assert.Equal(new TrustVerdict(true, null), Evaluate(sources));
    }

    [Fact]
    public void ADirectoryWithoutHashLinksIsReadWholeAsDotNetReadsIt()
    {
        var sources = new TrustSources(null, [f.PlainDirectory(C.RootPem, C.OtherRootPem)]);
        Assert.Equal(2, TrustAnchorIndex.Load(sources).Count);
        Assert.Equal(new TrustVerdict(true, null), Evaluate(sources));
    }

    [Fact]
    public void InAHashedDirectoryAFileAddedWithoutRehashIsNotFoundAsOpenSslWouldNotFindIt()
    {
        var dir = f.HashedDirectory(C.OtherRootPem);
        File.Copy(C.RootPem, Path.Combine(dir, "root.pem"));
        Assert.Equal(new TrustVerdict(false, "unable to get local issuer certificate"), Evaluate(new TrustSources(null, [dir])));
    }

    [Fact]
    public void IntermediateTheServerDidNotSendIsTakenFromTheStore() =>
        Assert.Equal(new TrustVerdict(true, null), Evaluate(new TrustSources(null, [f.HashedDirectory(C.RootPem, C.IntermediatePem)]), sendIntermediate: false));

    [Fact]
    public void MissingIntermediateIsNotTrusted() =>
        Assert.Equal(new TrustVerdict(false, "unable to get local issuer certificate"), Evaluate(new TrustSources(C.RootPem, []), sendIntermediate: false));

    [Fact]
    public void AnotherRootDoesNotTrustTheChain() =>
        Assert.Equal(new TrustVerdict(false, "unable to get local issuer certificate"), Evaluate(new TrustSources(C.OtherRootPem, [f.HashedDirectory(C.OtherRootPem)])));

    [Fact]
    public void SelfSignedServerCertificateIsNotTrustedUnlessTheStoreHoldsIt()
    {
        Assert.Equal(new TrustVerdict(false, "self-signed certificate"), Evaluate(new TrustSources(C.RootPem, []), false, C.OtherRootPem));
        Assert.Equal(new TrustVerdict(true, null), Evaluate(new TrustSources(C.OtherRootPem, []), false, C.OtherRootPem));
    }

    [Fact]
    public void CertificatesWithOpenSslTrustDataAreSkippedAsDotNetSkipsThem()
    {
        var trusted = C.File("root-trusted.pem");
        C.Openssl("x509", "-in", C.RootPem, "-addtrust", "serverAuth", "-out", trusted);
        Assert.Contains("BEGIN TRUSTED CERTIFICATE", File.ReadAllText(trusted));
        Assert.Equal(0, TrustAnchorIndex.Load(new TrustSources(trusted, [])).Count);
        Assert.False(Evaluate(new TrustSources(trusted, [])).Trusted);
    }

    [Fact]
    public void TheMachineBundleIsReadWholeAndItsRootsAreFoundInTheHashedDirectoryToo()
    {
        // Debian's layout, whether named by OpenSSL's defaults (/usr/lib/ssl) or by SSL_CERT_FILE and SSL_CERT_DIR
        var sources = new TrustSources("/usr/lib/ssl/cert.pem", ["/usr/lib/ssl/certs"]);
        var bundle = File.ReadAllText(sources.BundleFile!);
        var index = TrustAnchorIndex.Load(sources);
        var inBundle = bundle.Split("-----BEGIN CERTIFICATE-----").Length - 1;
        Assert.Equal(inBundle, index.Count);
        using var first = X509Certificate2.CreateFromPem(bundle);
        var found = Assert.Single(index.WithSubject(first.SubjectName.RawData));
        Assert.Equal(first.RawData, found.Der);
        Assert.True(found.SelfIssued);
        Assert.Equal(inBundle, index.Count); // the hash link's certificate is the bundle's: kept once
    }

    [Fact]
    public void AStoreCertificateDotNetCannotLoadIsLeftOutNotThrown()
    {
        // the names read, but the key info is tagged as a SET: OpenSSL's d2i refuses the certificate
        using var root = C.Load(C.RootPem);
        var broken = root.RawData.ToArray();
        var (_, subject) = CertificateNames.IssuerAndSubject(broken)!.Value;
        var keyInfo = root.RawData.AsSpan().IndexOf(subject.Span) + subject.Length;
        Assert.Equal(0x30, broken[keyInfo]);
        broken[keyInfo] = 0x31;
        Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadCertificate(broken));
        var pem = C.File("broken-root.pem");
        File.WriteAllText(pem, PemEncoding.WriteString("CERTIFICATE", broken) + "\n");
        Assert.Equal(new TrustVerdict(false, "unable to get local issuer certificate"), Evaluate(new TrustSources(pem, [])));
        File.AppendAllText(pem, File.ReadAllText(C.RootPem));
        Assert.Equal(new TrustVerdict(true, null), Evaluate(new TrustSources(pem, [])));
    }

    [Fact]
    public void NoStoreAtAllTrustsNothing() =>
        Assert.Equal(new TrustVerdict(false, "unable to get local issuer certificate"), Evaluate(new TrustSources("/nonexistent/bundle.pem", ["/nonexistent"])));

    [Fact]
    public void HttpsValidationNeedsTheNameAndJudgesTheChainByTheStore()
    {
        var trust = new SystemTrust(new TrustSources(C.RootPem, []));
        using var leaf = C.Load(C.LeafPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.Add(C.Load(C.IntermediatePem));
        Assert.True(trust.ValidateServer(this, leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(trust.ValidateServer(this, leaf, chain, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(trust.ValidateServer(this, null, chain, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.False(new SystemTrust(new TrustSources(C.OtherRootPem, [])).ValidateServer(this, leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
    }
}

/// <summary>
/// Without an OpenSSL store (Windows, macOS) the platform's store decides. On this Linux machine the
/// platform store .NET uses is Debian's /etc/ssl/certs, so a Debian root is trusted through it and the
/// test chain's root, which is in no store, is not.
/// </summary>
public class PlatformTrustFallbackTests(TrustChainFixture f) : IClassFixture<TrustChainFixture>
{
    private static readonly TrustSources Missing = new("/nonexistent/ca-certificates.crt", ["/nonexistent/certs"]);

    [Fact]
    public void NoOpenSslStore_UsesThePlatformStore_AndAnOpenSslStoreIsUsedWhereThere()
    {
        Assert.True(new SystemTrust(Missing).UsesPlatformStore);
        Assert.True(new SystemTrust(new TrustSources(null, [])).UsesPlatformStore);
        Assert.False(new SystemTrust(new TrustSources(f.Chain.RootPem, [])).UsesPlatformStore);
        Assert.False(new SystemTrust(new TrustSources(null, ["/nonexistent"], DirectoriesAreDefault: true)).UsesPlatformStore);
    }

    [Fact]
    public void PlatformStore_TrustsARootItHolds()
    {
        var bundle = File.ReadAllText("/etc/ssl/certs/ca-certificates.crt");
        int start = bundle.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        int end = bundle.IndexOf("-----END CERTIFICATE-----", start, StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length;
        using var root = X509Certificate2.CreateFromPem(bundle[start..end]);

        Assert.Equal(new TrustVerdict(true, null), new SystemTrust(Missing).Evaluate(root, []));
    }

    [Fact]
    public void PlatformStore_DoesNotTrustAChainToARootItLacks()
    {
        using var leaf = f.Chain.Load(f.Chain.LeafPem);
        using var inter = f.Chain.Load(f.Chain.IntermediatePem);

        var verdict = new SystemTrust(Missing).Evaluate(leaf, [inter]);

        Assert.False(verdict.Trusted);
        Assert.NotNull(verdict.Error);
        Assert.Equal(new TrustVerdict(true, null), new SystemTrust(new TrustSources(f.Chain.RootPem, [])).Evaluate(leaf, [inter]));
    }
}
