using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Probing;

/// <summary>MX, A/AAAA, TLSA and TXT through DnsClient against a real unbound on loopback (never the system resolver).</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class DnsProbeTests(UnboundServer dns) : IClassFixture<UnboundServer>
{
    private ProbeOptions Options => ProbeTestSupport.Quick with { Resolver = dns.Endpoint, DnsTimeout = TimeSpan.FromSeconds(3) };

    private Task<IReadOnlyList<ProbeResult>> Probe(string target) => ProbeBatch.RunAsync(ProbeTarget.Parse(target, null), Options);

    [Fact]
    public async Task MxHostsAreProbedInPreferenceOrder()
    {
        var results = await Probe("order.test");
        Assert.Equal(["a.order.test:25", "b.order.test:25", "c.order.test:25"], results.Select(r => r.Target.Display));
        Assert.Equal([10, 20, 30], results.Select(r => r.MxPreference!.Value));
        Assert.Equal(["127.0.0.71:25", "127.0.0.72:25", "127.0.0.73:25"], results.Select(r => r.Server));
        Assert.All(results, r => Assert.Equal("order.test", r.MailDomain));
    }

    [Fact]
    public async Task DomainWithoutMxFallsBackToItsOwnAddress()
    {
        var result = Assert.Single(await Probe("nomx.test"));
        Assert.Equal(("nomx.test:25", "127.0.0.1:25", "ok"), (result.Target.Display, result.Server, result.Outcome));
        Assert.Equal("nomx.test", result.MailDomain);
        Assert.Null(result.MxPreference);
        Assert.Equal("v=STSv1; id=split2;", result.MtaSts.Txt);
        Assert.Equal("split2", result.MtaSts.Id);
        Assert.True(result.Dane.Checked);
        Assert.Equal(("none", "no TLSA records"), (result.Dane.Result, result.Dane.Note));
    }

    [Fact]
    public async Task NullMxMeansNoMail()
    {
        var result = Assert.Single(await Probe("nullmx.test"));
        Assert.Equal("no-mail", result.Outcome);
        Assert.Equal("nullmx.test publishes a null MX (RFC 7505): it accepts no mail", result.Error);
        Assert.Null(result.Server);
    }

    [Fact]
    public async Task UnresolvableDomainIsAClearResult()
    {
        var result = Assert.Single(await Probe("nosuch.test"));
        Assert.Equal("unresolvable", result.Outcome);
        Assert.Equal($"could not look up nosuch.test (NXDOMAIN from {dns.Resolver})", result.Error);
    }

    [Fact]
    public async Task HostPortTargetsResolveThroughTheResolverAndGetTlsaByPort()
    {
        var result = Assert.Single(await Probe("host.test:25"));
        Assert.Equal(("127.0.0.1:25", "ok"), (result.Server, result.Outcome));
        Assert.Null(result.MailDomain);
        Assert.False(result.MtaSts.Checked);
        Assert.Equal("_25._tcp.host.test", result.Dane.Name);
        Assert.Equal("_587._tcp.mx.example.test", ProbeBatch.TlsaName("mx.example.test.", 587));
    }

    /// <summary>The whole command: example.test's MX mx1 is the loopback postfix with a 3 1 1 record of mail.pem's SPKI.</summary>
    [Fact]
    public void ProbeOfAMailDomainReportsTlsaMtaStsAndTlsRpt()
    {
        var run = Run("probe", "example.test", "--resolver", dns.Resolver, "--json", "--no-db", "--timeout", "5");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, records.Count);
        var mx1 = records[0];
        Assert.Equal("mx1.example.test:25", mx1.GetProperty("target").GetString());
        Assert.Equal("example.test", mx1.GetProperty("mail_domain").GetString());
        Assert.Equal(10, mx1.GetProperty("mx_preference").GetInt32());
        Assert.Equal("ok", mx1.GetProperty("outcome").GetString());
        var dane = mx1.GetProperty("dane");
        Assert.True(dane.GetProperty("checked").GetBoolean());
        var tlsa = Assert.Single(dane.GetProperty("tlsa").EnumerateArray().ToList());
        Assert.Equal((3, 1, 1, UnboundServer.MailSpkiSha256()), (tlsa.GetProperty("usage").GetInt32(), tlsa.GetProperty("selector").GetInt32(), tlsa.GetProperty("matching").GetInt32(), tlsa.GetProperty("data").GetString()));
        Assert.Equal(mx1.GetProperty("spki_sha256").GetString(), tlsa.GetProperty("data").GetString());
        // unbound's local-data carries no AD: the records are read exactly but do not count (RFC 7672 §2.2).
        Assert.Equal("insecure", dane.GetProperty("dnssec").GetString());
        Assert.Equal("none", dane.GetProperty("result").GetString());
        var sts = mx1.GetProperty("mta_sts");
        Assert.True(sts.GetProperty("checked").GetBoolean());
        Assert.Equal("v=STSv1; id=20240101000000;", sts.GetProperty("txt").GetString());
        Assert.Equal("v=TLSRPTv1; rua=mailto:tlsrpt@example.test", sts.GetProperty("tlsrpt").GetString());
        Assert.Equal(JsonValueKind.Null, sts.GetProperty("policy").ValueKind);
        Assert.Equal(JsonValueKind.Null, sts.GetProperty("mx_match").ValueKind);

        var mx2 = records[1];
        Assert.Equal("mx2.example.test:25", mx2.GetProperty("target").GetString());
        Assert.Equal("unresolvable", mx2.GetProperty("outcome").GetString());
        Assert.Equal($"MX mx2.example.test (preference 20) of example.test: could not look up mx2.example.test (NXDOMAIN from {dns.Resolver})", mx2.GetProperty("error").GetString());
    }

    /// <summary>The AD path: signed.test is signed by knotd and validated by unbound against its KSK.</summary>
    [Fact]
    public void ValidatedTlsaMatchesThePostfixCertificate()
    {
        var run = Run("probe", "signed.test", "--resolver", dns.Resolver, "--json", "--no-db", "--timeout", "5");
        Assert.Equal(0, run.ExitCode);
        var record = JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement;
        Assert.Equal(("mx1.signed.test:25", "ok"), (record.GetProperty("target").GetString(), record.GetProperty("outcome").GetString()));
        var dane = record.GetProperty("dane");
        Assert.Equal("validated", dane.GetProperty("dnssec").GetString());
        Assert.Equal("match", dane.GetProperty("result").GetString());
        Assert.Equal("_25._tcp.mx1.signed.test", dane.GetProperty("name").GetString());
        Assert.Equal(record.GetProperty("spki_sha256").GetString(), Assert.Single(dane.GetProperty("tlsa").EnumerateArray().ToList()).GetProperty("data").GetString());
        Assert.Equal("v=STSv1; id=signed1;", record.GetProperty("mta_sts").GetProperty("txt").GetString());
        Assert.Equal("validated", record.GetProperty("mta_sts").GetProperty("dnssec").GetString());
    }

    [Fact]
    public async Task ValidatedWrongTlsaIsAMismatch()
    {
        var result = Assert.Single(await Probe("wrongmx.signed.test"));
        Assert.Equal(("mx2.signed.test:25", "ok"), (result.Target.Display, result.Outcome));
        Assert.Equal(("validated", "mismatch"), (result.Dane.Dnssec, result.Dane.Result));
        Assert.Equal("no DANE-EE(3) record matches the certificate", result.Dane.Note);
    }

    [Fact]
    public async Task BogusZoneIsServfailNotACrash()
    {
        var result = Assert.Single(await Probe("bogus.test"));
        Assert.Equal("unresolvable", result.Outcome);
        Assert.Equal($"could not look up MX bogus.test (SERVFAIL from {dns.Resolver}: DNSSEC bogus or zone unreachable)", result.Error);
    }

    [Fact]
    public async Task WrongTlsaIsRetrievedAndWouldMismatchOnceValidated()
    {
        var result = Assert.Single(await Probe("wrong.test"));
        Assert.Equal("ok", result.Outcome);
        Assert.Equal(new string('0', 64), Assert.Single(result.Dane.Tlsa).Data);
        Assert.Equal(("insecure", "none"), (result.Dane.Dnssec, result.Dane.Result));
        var records = result.Dane.Tlsa.Select(t => new Tlsa(t.Usage, t.Selector, t.Matching, Convert.FromHexString(t.Data))).ToList();
        Assert.Equal("mismatch", DaneMatcher.Evaluate(records, validated: true, result.Tls!.CertificateDer).Result);
        Assert.True(result.MtaSts.Checked);
        Assert.Null(result.MtaSts.Txt);
    }

    [Fact]
    public async Task SilentResolverTimesOutWithinTheConfiguredTime()
    {
        var address = IPAddress.Parse("127.0.0.84");
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(address, 0));
        var options = Options with { Resolver = (IPEndPoint)silent.LocalEndPoint!, DnsTimeout = TimeSpan.FromSeconds(1) };
        var watch = Stopwatch.StartNew();
        var result = Assert.Single(await ProbeBatch.RunAsync(ProbeTarget.Parse("example.test", null), options));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        // a resolver that does not answer is a lookup that failed, not a mail server that timed out
        Assert.Equal("unresolvable", result.Outcome);
        Assert.Equal($"could not look up MX example.test (timeout: no answer from {MailProbe.Endpoint(address, options.Resolver.Port)} within 1 s)", result.Error);
    }

    [Theory]
    [InlineData("127.0.0.83", "127.0.0.83:53")]
    [InlineData("127.0.0.83:5353", "127.0.0.83:5353")]
    [InlineData("::1", "[::1]:53")]
    [InlineData("[::1]:5353", "[::1]:5353")]
    public void ResolverArgument(string text, string endpoint)
    {
        var parsed = MailDns.ParseResolver(text);
        Assert.Equal(endpoint, MailProbe.Endpoint(parsed.Address, parsed.Port));
    }

    [Fact]
    public void BadResolverIsOneLineAndExitTwo()
    {
        var run = Run("probe", "example.test", "--resolver", "dns.example", "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: --resolver takes IP, IP:PORT or [IPv6]:PORT, not 'dns.example'", Assert.Single(run.StderrLines));
    }
}
