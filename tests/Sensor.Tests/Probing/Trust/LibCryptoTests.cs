using System.Diagnostics;
using Sensor.Core.Probing.Trust;

namespace Sensor.Tests.Probing.Trust;

public class LibCryptoTests(TrustChainFixture f) : IClassFixture<TrustChainFixture>
{
    [Fact]
    public void NameHashIsTheOneOpensslNamesHashLinksBy()
    {
        using var root = f.Chain.Load(f.Chain.RootPem);
        var start = new ProcessStartInfo("openssl", ["x509", "-noout", "-subject_hash", "-in", f.Chain.RootPem]) { RedirectStandardOutput = true };
        using var openssl = Process.Start(start)!;
        var expected = openssl.StandardOutput.ReadToEnd().Trim();
        openssl.WaitForExit();
        Assert.Equal(expected, $"{LibCrypto.Instance!.NameHash(root.SubjectName.RawData):x8}");
    }

    [Fact]
    public void BytesThatAreNoNameHaveNoHash() => Assert.Null(LibCrypto.Instance!.NameHash([0x04, 0x01, 0xff]));

    [Fact]
    public void DefaultPathsAreOpenSslsCompiledInOnes() =>
        Assert.Equal(("/usr/lib/ssl/cert.pem", "/usr/lib/ssl/certs"), (LibCrypto.Instance!.DefaultCertFile, LibCrypto.Instance.DefaultCertDir));
}
