using System.Diagnostics;
using System.Net;
using DnsClient;
using Sensor.Core.Agents;
using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Agents;

/// <summary>
/// A resolver here that strips records: a second real unbound on loopback that serves signed.test's
/// MX and address but neither its TLSA nor its _mta-sts TXT (a box that rewrites DNS to undo DANE and
/// MTA-STS), killed on dispose.
/// </summary>
public sealed class StrippingResolver : IDisposable
{
    private readonly Process _process;
    private readonly string _dir = Directory.CreateTempSubdirectory("sensor-stripping-dns-").FullName;

    public IPEndPoint Endpoint { get; }

    public StrippingResolver()
    {
        var address = IPAddress.Parse("127.0.0.86");
        Endpoint = new IPEndPoint(address, ProbeTestSupport.FreePort(address));
        var config = Path.Combine(_dir, "unbound.conf");
        File.WriteAllText(config, string.Join("\n",
        [
            "server:", $"  interface: {address}", $"  port: {Endpoint.Port}", "  do-ip6: no", "  do-daemonize: no", "  username: \"\"", "  chroot: \"\"",
            $"  directory: \"{_dir}\"", $"  pidfile: \"{_dir}/unbound.pid\"", "  use-syslog: no", "  logfile: \"\"", "  num-threads: 1",
            "  access-control: 127.0.0.0/8 allow", "  local-zone: \".\" refuse", "  local-zone: \"test.\" static",
            "  local-data: 'signed.test. MX 10 mx1.signed.test.'", "  local-data: 'mx1.signed.test. A 127.0.0.1'",
            "remote-control:", "  control-enable: no", "",
        ]));
        var start = new ProcessStartInfo(UnboundServer.Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-d", "-c", config })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        var dns = new MailDns(Endpoint, TimeSpan.FromMilliseconds(300));
        var deadline = Stopwatch.StartNew();
        while (dns.QueryAsync("mx1.signed.test", QueryType.A, default).Result.Kind != DnsAnswerKind.Records)
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                Dispose();
                throw new InvalidOperationException($"unbound did not start on {Endpoint}");
            }
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// DNS as a vantage through an agent: the agent resolves signed.test on its side (the validating
/// unbound with knot's signed zone) and sees TLSA and MTA-STS records that the resolver here strips;
/// each is a dns-tampering finding. With the same resolver on both sides nothing is found.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class AgentDnsComparisonTests(UnboundServer dns) : IClassFixture<UnboundServer>, IDisposable
{
    private readonly StrippingResolver _stripping = new();

    public void Dispose() => _stripping.Dispose();

    private async Task<List<ProbeRecord>> There()
    {
        var agent = new ProbeAgent(new AgentSettings { Name = "far", Policy = TargetPolicy.Parse(["127.0.0.0/8"]) });
        var reply = await agent.HandleAsync(new AgentRequest { Targets = ["signed.test"], Resolver = dns.Resolver, Timeout = 5 }, "tester");
        Assert.Null(reply.Error);
        foreach (var record in reply.Records)
            record.Vantage = "far";
        return reply.Records;
    }

    private static async Task<List<ProbeRecord>> Here(IPEndPoint resolver)
    {
        var options = ProbeTestSupport.Quick with { Resolver = resolver, DnsTimeout = TimeSpan.FromSeconds(3) };
        return [.. (await ProbeBatch.RunAsync(ProbeTarget.Parse("signed.test", null), options)).Select(r => ProbeRecord.From(r, "local"))];
    }

    [Fact]
    public async Task TlsaAndMtaStsThatTheResolverHereStripsAreDnsTampering()
    {
        var differences = DnsComparison.Compare(await Here(_stripping.Endpoint), await There());
        Assert.Equal(
            [
                ("tlsa", "_25._tcp.mx1.signed.test", "TLSA", "far", "1 TLSA record(s) (validated)", "high"),
                ("mta-sts", "_mta-sts.signed.test", "TXT", "far", "\"v=STSv1; id=signed1;\"", "high"),
            ],
            differences.Select(d => (d.Variant, d.Name, d.RecordType, d.Vantage, d.There, d.ToRecord().Severity)));
    }

    [Fact]
    public async Task TheSameResolverOnBothSidesFindsNothing() =>
        Assert.Empty(DnsComparison.Compare(await Here(dns.Endpoint), await There()));
}
