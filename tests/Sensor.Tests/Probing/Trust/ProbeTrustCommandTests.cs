using System.Net;
using System.Text.Json;
using Sensor.Tests.Cli;

namespace Sensor.Tests.Probing.Trust;

/// <summary>
/// The whole `sensor probe` process, whose own runtime store is emptied at start
/// (RuntimeStoreIsolation), judging a real openssl s_server's chain against the store the process
/// was started with: SSL_CERT_FILE, a hashed SSL_CERT_DIR, or the machine's own.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class ProbeTrustCommandTests(TrustChainFixture f) : IClassFixture<TrustChainFixture>
{
    private static readonly IPAddress Address = IPAddress.Parse("127.0.0.91");

    private (bool Trusted, string? Error) ProbeWith(Dictionary<string, string> environment)
    {
        using var server = new OpensslSmtpsServer(Address, 465, f.Chain, "trust.signed.test");
        var run = SensorProcess.RunWithEnvironment(environment, "probe", $"{Address}:465", "--json", "--no-db");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var record = JsonDocument.Parse(Assert.Single(run.StdoutLines));
        var root = record.RootElement;
        Assert.Equal(("ok", "TLSv1.3"), (root.GetProperty("outcome").GetString(), root.GetProperty("tls_version").GetString()));
        return (root.GetProperty("cert_trusted").GetBoolean(), root.GetProperty("cert_trust_error").GetString());
    }

    [Fact]
    public void AnchorInSslCertFileIsTrusted() =>
        Assert.Equal((true, null), ProbeWith(new() { ["SSL_CERT_FILE"] = f.Chain.RootPem, ["SSL_CERT_DIR"] = "/nonexistent" }));

    [Fact]
    public void AnchorInAHashedSslCertDirIsTrusted() =>
        Assert.Equal((true, null), ProbeWith(new() { ["SSL_CERT_FILE"] = "/dev/null", ["SSL_CERT_DIR"] = f.HashedDirectory(f.Chain.RootPem) }));

    [Fact]
    public void TheMachineStoreDoesNotKnowTheTestRoot() =>
        Assert.Equal((false, "self-signed certificate in certificate chain"), ProbeWith([]));
}
