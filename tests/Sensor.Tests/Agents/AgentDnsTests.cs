using System.Text.Json;
using Sensor.Core.Agents;
using Sensor.Core.Output;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Agents;

/// <summary>
/// DANE and MTA-STS through an agent: computed from DNS at the agent (the real unbound and knot of
/// <see cref="UnboundServer"/>, named as the request's resolver), and the agent's target policy held
/// to the MTA-STS policy host and the resolver as well as to the mail servers.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class AgentDnsTests(AgentFixture agents, UnboundServer dns) : IClassFixture<AgentFixture>, IClassFixture<UnboundServer>
{
    [Fact]
    public void ProbeViaAnAgentCarriesItsDaneAndMtaStsFindings()
    {
        var run = SensorProcess.Run(["probe", "signed.test", "--via", "lab", .. agents.Nats.CredentialArgs(), "--resolver", dns.Resolver, "--json", "--no-db", "--timeout", "5"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var record = JsonSerializer.Deserialize(Assert.Single(run.StdoutLines), RecordJsonContext.Default.ProbeRecord)!;
        Assert.Equal(("lab", "mx1.signed.test:25", "127.0.0.1:25", "ok", "signed.test"), (record.Vantage, record.Target, record.Server, record.Outcome, record.MailDomain));
        Assert.Equal((true, "_25._tcp.mx1.signed.test", "validated", "match"), (record.Dane.Checked, record.Dane.Name, record.Dane.Dnssec, record.Dane.Result));
        Assert.Equal(record.SpkiSha256, Assert.Single(record.Dane.Tlsa).Data);
        Assert.Equal((true, "signed.test", "v=STSv1; id=signed1;", "validated"), (record.MtaSts.Checked, record.MtaSts.Domain, record.MtaSts.Txt, record.MtaSts.Dnssec));
    }

    [Fact]
    public async Task TheMtaStsPolicyHostIsHeldToTheAgentsTargetPolicy()
    {
        // the MX (127.0.0.1) and the resolver are allowed, mta-sts.example.test (127.0.0.87) is not
        var agent = new ProbeAgent(new AgentSettings { Name = "mxonly", Policy = TargetPolicy.Parse(["127.0.0.1/32", $"{dns.Endpoint.Address}/32"]) });
        var reply = await agent.HandleAsync(new AgentRequest { Targets = ["example.test"], Resolver = dns.Resolver, Timeout = 5 }, "tester");
        Assert.Null(reply.Error);
        var mx1 = Assert.Single(reply.Records, r => r.Target == "mx1.example.test:25");
        Assert.Equal(("ok", "v=STSv1; id=20240101000000;"), (mx1.Outcome, mx1.MtaSts.Txt));
        Assert.Null(mx1.MtaSts.Policy);
        Assert.Equal("https://mta-sts.example.test/.well-known/mta-sts.txt: not fetched: 127.0.0.87 is a loopback address (127.0.0.0/8); "
            + "this agent probes it only when started with --allow covering it", mx1.MtaSts.Note);
        Assert.Equal(("_25._tcp.mx1.example.test", "insecure"), (mx1.Dane.Name, mx1.Dane.Dnssec));
    }

    [Fact]
    public async Task AResolverOutsideThePolicyRefusesTheRequest()
    {
        var agent = new ProbeAgent(new AgentSettings { Name = "strict" });
        var reply = await agent.HandleAsync(new AgentRequest { Targets = ["example.test"], Resolver = dns.Resolver }, "tester");
        Assert.Empty(reply.Records);
        Assert.Equal($"resolver refused: {dns.Endpoint.Address} is a loopback address (127.0.0.0/8); this agent probes it only when started with --allow covering it", reply.Error);
    }
}
