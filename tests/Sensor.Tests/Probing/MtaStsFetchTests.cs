using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Tests.Probing;

/// <summary>
/// The MTA-STS policy fetched over HTTPS from a server of the test's own on 127.0.0.87 (never the
/// internet), its name resolved through the test unbound, its certificate trusted only by the
/// validation callback the test injects.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class MtaStsFetchTests(UnboundServer dns) : IClassFixture<UnboundServer>
{
    private const string Policy = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.backup.example.test\r\nmax_age: 86400\r\n";

    private static X509Certificate2 MakeCert()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mta-sts.example.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("mta-sts.example.test");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private static readonly X509Certificate2 Cert = MakeCert();

    private static MtaStsFetchSettings Trusting(int port) => new()
    {
        Port = port,
        CertificateValidation = (_, cert, _, errors) => cert is not null && cert.GetCertHashString() == Cert.GetCertHashString()
            && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
    };

    /// <summary>Answers each connection with one canned HTTP response, then closes it.</summary>
    private sealed class HttpsServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Parse("127.0.0.87"), 0);
        private readonly CancellationTokenSource _stop = new();

        public int Port { get; }

        public HttpsServer(string response)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    try
                    {
                        await using var ssl = new SslStream(client.GetStream());
                        await ssl.AuthenticateAsServerAsync(Cert);
                        var request = new StringBuilder();
                        var buffer = new byte[4096];
                        while (!request.ToString().Contains("\r\n\r\n"))
                        {
                            var n = await ssl.ReadAsync(buffer, _stop.Token);
                            if (n == 0)
                                break;
                            request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                        }
                        await ssl.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
                }
            });
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    private static string Ok(string body, string type = "text/plain") =>
        $"HTTP/1.1 200 OK\r\nContent-Type: {type}\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    private MailDns Dns => new(dns.Endpoint, TimeSpan.FromSeconds(3));

    [Fact]
    public async Task PolicyIsFetchedParsedAndMatchedAgainstTheMx()
    {
        using var server = new HttpsServer(Ok(Policy));
        var options = ProbeTestSupport.Quick with { Resolver = dns.Endpoint, MtaSts = Trusting(server.Port) };
        var results = await ProbeBatch.RunAsync(ProbeTarget.Parse("example.test", null), options);
        var mx1 = results[0];
        Assert.Equal("mx1.example.test:25", mx1.Target.Display);
        var policy = mx1.MtaSts.Policy;
        Assert.NotNull(policy);
        Assert.Equal(("STSv1", "enforce", 86400L), (policy.Version, policy.Mode, policy.MaxAge));
        Assert.Equal(["mx1.example.test", "*.backup.example.test"], policy.Mx);
        Assert.True(mx1.MtaSts.MxMatch);
        Assert.Null(mx1.MtaSts.Note);
        Assert.False(policy.MatchesMx("mx2.example.test"));
        Assert.Equal("unresolvable", results[1].Outcome);
    }

    [Fact]
    public async Task RedirectIsNotFollowed()
    {
        using var server = new HttpsServer("HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.example.test/mta-sts.txt\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var (policy, error) = await new MtaStsFetcher(Dns, TimeSpan.FromSeconds(5), Trusting(server.Port)).FetchAsync("example.test", default);
        Assert.Null(policy);
        Assert.Equal($"https://mta-sts.example.test:{server.Port}/.well-known/mta-sts.txt: 301 redirect to https://elsewhere.example.test/mta-sts.txt not followed (RFC 8461 §3.3)", error);
    }

    [Fact]
    public async Task UntrustedCertificateIsRefusedWithoutTheTestCallback()
    {
        using var server = new HttpsServer(Ok(Policy));
        var (policy, error) = await new MtaStsFetcher(Dns, TimeSpan.FromSeconds(5), new MtaStsFetchSettings { Port = server.Port }).FetchAsync("example.test", default);
        Assert.Null(policy);
        Assert.Equal($"https://mta-sts.example.test:{server.Port}/.well-known/mta-sts.txt: the certificate is not trusted: self-signed certificate", error);
    }

    [Fact]
    public async Task CertificateInTheSystemStoreIsTrustedWithoutTheTestCallback()
    {
        var bundle = Path.Combine(Directory.CreateTempSubdirectory("sensor-mtasts-store-").FullName, "bundle.pem");
        File.WriteAllText(bundle, Cert.ExportCertificatePem());
        using var server = new HttpsServer(Ok(Policy));
        var trust = new Sensor.Core.Probing.Trust.SystemTrust(new Sensor.Core.Probing.Trust.TrustSources(bundle, []));
        var (policy, error) = await new MtaStsFetcher(Dns, TimeSpan.FromSeconds(5), new MtaStsFetchSettings { Port = server.Port }, trust).FetchAsync("example.test", default);
        Assert.Null(error);
        Assert.Equal("enforce", policy!.Mode);
    }

    [Fact]
    public async Task WrongMediaTypeAndInvalidPolicyAreReasons()
    {
        using (var html = new HttpsServer(Ok(Policy, "text/html")))
            Assert.EndsWith("media type text/html, not text/plain", (await new MtaStsFetcher(Dns, TimeSpan.FromSeconds(5), Trusting(html.Port)).FetchAsync("example.test", default)).Error);
        using var bad = new HttpsServer(Ok("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 99999999\n"));
        Assert.EndsWith("invalid policy: max_age '99999999' is not a number of seconds from 0 to 31557600", (await new MtaStsFetcher(Dns, TimeSpan.FromSeconds(5), Trusting(bad.Port)).FetchAsync("example.test", default)).Error);
    }

    [Fact]
    public async Task UnresolvablePolicyHostIsAReason()
    {
        var (policy, error) = await new MtaStsFetcher(Dns, TimeSpan.FromSeconds(5)).FetchAsync("nomx.test", default);
        Assert.Null(policy);
        Assert.Equal($"https://mta-sts.nomx.test/.well-known/mta-sts.txt: could not look up mta-sts.nomx.test (NXDOMAIN from {dns.Resolver})", error);
    }
}
