using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sensor.Core.Probing;

namespace Sensor.Tests.Probing;

/// <summary>
/// A chain made with the openssl command (root CA, intermediate, leaf for ta.signed.test and
/// tainter.signed.test, plus an unrelated root), DANE-TA(2) records for it in the knot-signed zone
/// validated by unbound, and the chain served by a real `openssl s_server` (see <see cref="OpensslSmtpsServer"/>).
/// </summary>
public sealed class DaneTaFixture : IDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.89");

    public int Port { get; }
    public UnboundServer Dns { get; }
    public OpensslTestChain Chain { get; } = new("ta.signed.test", "tainter.signed.test");

    public DaneTaFixture()
    {
        using var root = Chain.Load(Chain.RootPem);
        using var inter = Chain.Load(Chain.IntermediatePem);
        using var other = Chain.Load(Chain.OtherRootPem);
        string Spki256(X509Certificate2 c) => Convert.ToHexStringLower(SHA256.HashData(c.PublicKey.ExportSubjectPublicKeyInfo()));
        Port = ProbeTestSupport.FreePort(Address);
        Dns = new UnboundServer(
        [
            // the root's SPKI: the leaf names ta.signed.test
            $"ta A {Address}",
            $"_{Port}._tcp.ta TLSA 2 1 1 {Spki256(root)}",
            // the intermediate certificate, SHA-512: the leaf names tainter.signed.test too
            $"tainter A {Address}",
            $"_{Port}._tcp.tainter TLSA 2 0 2 {Convert.ToHexStringLower(SHA512.HashData(inter.RawData))}",
            // the right anchor, but the leaf does not name taname.signed.test
            $"taname A {Address}",
            $"_{Port}._tcp.taname TLSA 2 1 1 {Spki256(root)}",
            // an anchor the server never sends
            $"taother A {Address}",
            $"_{Port}._tcp.taother TLSA 2 1 1 {Spki256(other)}",
        ]);
    }

    public void Dispose()
    {
        Dns.Dispose();
        Chain.Dispose();
    }
}

/// <summary>
/// A real `openssl s_server` speaking SMTP over implicit TLS, for one connection: OpenSSL sends the
/// chain's leaf, intermediate and root (not .NET on both ends). s_server has no STARTTLS of its
/// own, so the TLS starts at connect, and the SMTP replies are written to its stdin (the probe reads
/// the greeting, the EHLO answer and the QUIT answer from them in turn).
/// </summary>
internal sealed class OpensslSmtpsServer : IDisposable
{
    private readonly Process _process;

    public OpensslSmtpsServer(IPAddress address, int port, OpensslTestChain chain, string name = "ta.signed.test")
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "s_server", "-accept", $"{address}:{port}", "-cert", chain.LeafPem, "-key", chain.LeafKey, "-cert_chain", chain.ChainPem, "-naccept", "1" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        using var accepting = new ManualResetEventSlim();
        _process.OutputDataReceived += (_, e) => { if (e.Data == "ACCEPT") accepting.Set(); };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            if (!accepting.Wait(TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException("openssl s_server did not start");
            _process.StandardInput.Write($"220 {name} ESMTP openssl s_server\r\n250-{name}\r\n250 8BITMIME\r\n221 2.0.0 bye\r\n");
            _process.StandardInput.Flush();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}

/// <summary>DANE-TA(2) end to end: the chain the server sent, the signed TLSA answer, the name checks of RFC 7672 §3.2.2.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class DaneTaProbeTests(DaneTaFixture ta) : IClassFixture<DaneTaFixture>
{
    private async Task<ProbeResult> ProbeTa(string host)
    {
        using var server = new OpensslSmtpsServer(DaneTaFixture.Address, ta.Port, ta.Chain);
        var target = new ProbeTarget(host, ta.Port, ProbeProtocol.Smtp, ImplicitTls: true) { PortGiven = true };
        var options = ProbeTestSupport.Quick with { Resolver = ta.Dns.Endpoint };
        return Assert.Single(await ProbeBatch.RunAsync([target], options));
    }

    [Fact]
    public async Task RootAnchorSentByTheServerMatches()
    {
        var result = await ProbeTa("ta.signed.test");
        Assert.Equal(("ok", "220 ta.signed.test ESMTP openssl s_server"), (result.Outcome, result.Banner));
        Assert.Equal(2, result.Tls!.SentChainDer!.Count);
        Assert.Equal(($"_{ta.Port}._tcp.ta.signed.test", "validated", "match"), (result.Dane.Name, result.Dane.Dnssec, result.Dane.Result));
        Assert.Equal("a DANE-TA(2) record matches 'CN=Sensor Test Root', the chain validates to it and the certificate names ta.signed.test", result.Dane.Note);
        Assert.Equal((2, 1, 1), (result.Dane.Tlsa[0].Usage, result.Dane.Tlsa[0].Selector, result.Dane.Tlsa[0].Matching));
        // not trusted by the system store: DANE is what a sending MTA would check
        Assert.False(result.Tls.CertTrusted);
    }

    [Fact]
    public async Task IntermediateAnchorByFullCertificateDigestMatches()
    {
        var result = await ProbeTa("tainter.signed.test");
        Assert.Equal(("validated", "match"), (result.Dane.Dnssec, result.Dane.Result));
        Assert.Equal("a DANE-TA(2) record matches 'CN=Sensor Test Intermediate', the chain validates to it and the certificate names tainter.signed.test", result.Dane.Note);
    }

    [Fact]
    public async Task RightAnchorWrongNameIsAMismatch()
    {
        var result = await ProbeTa("taname.signed.test");
        Assert.Equal(("ok", "validated", "mismatch"), (result.Outcome, result.Dane.Dnssec, result.Dane.Result));
        Assert.Equal("the chain validates to the DANE-TA(2) anchor 'CN=Sensor Test Root' but the certificate names none of taname.signed.test (RFC 7672 §3.2.2)", result.Dane.Note);
    }

    [Fact]
    public async Task AnchorNotSentIsAMismatch()
    {
        var result = await ProbeTa("taother.signed.test");
        Assert.Equal(("validated", "mismatch"), (result.Dane.Dnssec, result.Dane.Result));
        Assert.Equal("no DANE-TA(2) record matches a certificate the server sent (3 with the leaf)", result.Dane.Note);
    }
}
