using System.Text.Json;
using NATS.Client.Core;
using Sensor.Core.Agents;
using Sensor.Core.Output;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Agents;

/// <summary>
/// A real nats-server requiring a user/password, three agents served in-process from one
/// connection ("lab" allows 127.0.0.0/8, "strict" allows nothing, "tight" allows 127.0.0.0/8 at one
/// probe a minute), and the real `sensor probe --via` binary against the loopback postfix.
/// </summary>
public sealed class AgentFixture : IAsyncLifetime
{
    public NatsServer Nats { get; } = new();
    private NatsConnection? _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _serving = [];

    public async Task InitializeAsync()
    {
        var opts = AgentBus.Options(Nats.Url, new BusCredentials(User: NatsServer.User, Password: Nats.Password), "test-agents", TimeSpan.FromSeconds(5));
        _connection = await AgentBus.ConnectAsync(opts, CancellationToken.None);
        var allow = TargetPolicy.Parse(["127.0.0.0/8"]);
        foreach (var settings in new[]
                 {
                     new AgentSettings { Name = "lab", Policy = allow },
                     new AgentSettings { Name = "strict" },
                     new AgentSettings { Name = "tight", Policy = allow, RatePerMinute = 1 },
                 })
        {
            var agent = new ProbeAgent(settings);
            _serving.Add(agent.ServeAsync(_connection, cancellationToken: _stop.Token));
            // wait until the subscription answers: an empty request is refused without costing rate
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (true)
            {
                try
                {
                    var reply = await AgentBus.RequestAsync(_connection, settings.Name, new AgentRequest(), TimeSpan.FromSeconds(1), CancellationToken.None);
                    Assert.Equal("the request names no target", reply.Error);
                    break;
                }
                catch (AgentUnavailableException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_serving).WaitAsync(TimeSpan.FromSeconds(5));
        if (_connection is not null)
            await _connection.DisposeAsync();
        Nats.Dispose();
    }
}

[Trait(TestCategories.Name, TestCategories.Integration)]
public class AgentTests(AgentFixture fixture) : IClassFixture<AgentFixture>
{
    private static ProbeRecord[] Records(SensorRun run) =>
        [.. run.StdoutLines.Select(l => JsonSerializer.Deserialize(l, RecordJsonContext.Default.ProbeRecord)!)];

    private SensorRun Via(string agent, params string[] rest) =>
        SensorProcess.Run(["probe", "--via", agent, .. fixture.Nats.CredentialArgs(), "--json", "--no-db", "--timeout", "5", .. rest]);

    [Fact]
    public void ProbesThePostfixFromTheAgent()
    {
        var run = Via("lab", "127.0.0.1:25");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var record = Assert.Single(Records(run));
        Assert.Equal("lab", record.Vantage);
        Assert.Equal("127.0.0.1:25", record.Server);
        Assert.True(record.StarttlsOffered);
        Assert.True(record.TlsEstablished);
        Assert.Equal(ProbeTestSupport.TestCertificateSha256(), record.CertSha256);
        Assert.Equal("ok", record.Outcome);
    }

    [Fact]
    public void StoresTheAgentsRecordsWithItsName()
    {
        var db = Path.Combine(SensorProcess.TempDir(), "s.db");
        var run = SensorProcess.Run(["probe", "--via", "lab", .. fixture.Nats.CredentialArgs(), "--db", db, "--timeout", "5", "127.0.0.1:25"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("127.0.0.1:25", run.Stdout);
        using var store = Sensor.Core.Storage.SensorStore.Open(db);
        var stored = Assert.Single(store.Probes());
        Assert.Equal("lab", stored.Vantage);
        Assert.Equal(ProbeTestSupport.TestCertificateSha256(), stored.CertSha256);
    }

    [Fact]
    public void WithoutAllowListLoopbackIsRefusedPerTargetAfterResolution()
    {
        // localhost is a name: refused because of what it resolves to (127.0.0.1, ::1), each address apart
        var run = Via("strict", "127.0.0.1:25", "localhost:25");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var records = Records(run);
        Assert.True(records.Length >= 2);
        Assert.All(records, r =>
        {
            Assert.Equal("strict", r.Vantage);
            Assert.Equal(ProbeAgent.RefusedOutcome, r.Outcome);
            Assert.Contains("loopback address", r.Error);
            Assert.False(r.StarttlsOffered);
            Assert.Null(r.Banner);
        });
        Assert.Contains(records, r => r.Target == "127.0.0.1:25" && r.Server == "127.0.0.1:25");
        Assert.Contains(records, r => r.Target == "localhost:25" && r.Server == "127.0.0.1:25");
    }

    [Fact]
    public void RateLimitRefusesWhatIsOverWithAReason()
    {
        var run = Via("tight", "127.0.0.1:25", "127.0.0.2:25");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var records = Records(run);
        Assert.Equal(2, records.Length);
        Assert.Equal("ok", records[0].Outcome);
        Assert.Equal(ProbeAgent.RefusedOutcome, records[1].Outcome);
        Assert.StartsWith("rate limit: this agent probes at most 1 servers a minute for one requester; retry in ", records[1].Error);
    }

    [Fact]
    public void WrongCredentialsAreOneLineExit2()
    {
        var bad = Path.Combine(SensorProcess.TempDir(), "bad");
        File.WriteAllText(bad, "not-the-password");
        foreach (var command in new[] { "probe", "agent" })
        {
            string[] args = command == "probe"
                ? ["probe", "--via", "lab", "--bus", fixture.Nats.Url, "--user", NatsServer.User, "--password-file", bad, "--no-db", "127.0.0.1:25"]
                : ["agent", "--name", "x", "--bus", fixture.Nats.Url, "--user", NatsServer.User, "--password-file", bad];
            var run = SensorProcess.Run(args);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal($"sensor: error: cannot connect to {fixture.Nats.Url}: the NATS server refused the credentials (Authorization Violation)", Assert.Single(run.StderrLines));
            Assert.Empty(run.Stdout);
        }
    }

    [Fact]
    public void NoServerIsOneLineExit2()
    {
        var port = ProbeTestSupport.FreePort(System.Net.IPAddress.Loopback);
        var run = SensorProcess.Run(["probe", "--via", "lab", "--bus", $"nats://127.0.0.1:{port}", "--user", "u", "--password-file", fixture.Nats.PasswordFile, "--no-db", "127.0.0.1:25"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: cannot connect to nats://127.0.0.1:{port}: no NATS server accepted the connection (refused or unreachable)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void NoAgentIsTheTimeoutError()
    {
        var run = Via("nobody", "127.0.0.1:25");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("sensor: error: no agent nobody answered within 35 s", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task ASilentAgentIsTheTimeoutError()
    {
        // something subscribed that never answers: the requester waits its bound, then says so
        var opts = AgentBus.Options(fixture.Nats.Url, new BusCredentials(User: NatsServer.User, Password: fixture.Nats.Password), "mute", TimeSpan.FromSeconds(5));
        await using var nats = await AgentBus.ConnectAsync(opts, CancellationToken.None);
        await using var sub = await nats.SubscribeCoreAsync<byte[]>(AgentSubjects.For("mute"));
        await nats.PingAsync();
        var e = await Assert.ThrowsAsync<AgentUnavailableException>(() =>
            AgentBus.RequestAsync(nats, "mute", new AgentRequest { Targets = ["127.0.0.1:25"] }, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal("no agent mute answered within 1 s", e.Message);
    }

    [Fact]
    public void CredentialsAreRequired()
    {
        var agent = SensorProcess.Run("agent", "--name", "x", "--bus", fixture.Nats.Url);
        Assert.Equal(2, agent.ExitCode);
        Assert.Equal("sensor: error: NATS credentials are required: give --creds FILE, --user NAME with --password-file FILE, or --token-file FILE", Assert.Single(agent.StderrLines));
        var probe = SensorProcess.Run("probe", "--via", "lab", "--bus", fixture.Nats.Url, "--no-db", "127.0.0.1:25");
        Assert.Equal(2, probe.ExitCode);
        Assert.Contains("NATS credentials are required", Assert.Single(probe.StderrLines));
    }

    [Fact]
    public void AgentRefusesABadAllowList()
    {
        var run = SensorProcess.Run(["agent", "--name", "x", .. fixture.Nats.CredentialArgs(), "--allow", "127.0.0.1/8"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--allow takes a CIDR", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task BadRequestsAreAnsweredWithAnError()
    {
        var agent = new ProbeAgent(new AgentSettings { Name = "unit", MaxTargets = 2 });
        Assert.Equal("the request names 3 targets; this agent takes at most 2 at once",
            (await agent.HandleAsync(new AgentRequest { Targets = ["a", "b", "c"] }, "r")).Error);
        Assert.Equal("proto takes smtp, submission, imap, pop3 or all, not 'http'",
            (await agent.HandleAsync(new AgentRequest { Targets = ["a"], Proto = "http" }, "r")).Error);
        Assert.Contains("port must be a number", (await agent.HandleAsync(new AgentRequest { Targets = ["a:99999"] }, "r")).Error);
        Assert.Equal("timeout takes seconds above 0 and at most 30 on this agent, not 1000000000000",
            (await agent.HandleAsync(new AgentRequest { Targets = ["a"], Timeout = 1e12 }, "r")).Error);
        Assert.Equal("timeout takes seconds above 0 and at most 30 on this agent, not -1",
            (await agent.HandleAsync(new AgentRequest { Targets = ["a"], Timeout = -1 }, "r")).Error);
        Assert.Equal("a target is at most 300 characters (a host name, an address and a port)",
            (await agent.HandleAsync(new AgentRequest { Targets = [new string('a', 301)] }, "r")).Error);
    }

    /// <summary>Every way of writing a refused address is refused, after it is parsed, before anything connects.</summary>
    [Theory]
    [InlineData("127.1:25", "127.0.0.1 is a loopback address")]
    [InlineData("2130706433:25", "127.0.0.1 is a loopback address")]
    [InlineData("0x7f.0.0.1:25", "127.0.0.1 is a loopback address")]
    [InlineData("[::ffff:7f00:1]:25", "127.0.0.1 is a loopback address")]
    [InlineData("[::127.0.0.1]:25", "is an IPv4-compatible IPv6 address")]
    [InlineData("[64:ff9b::127.0.0.1]:25", "is a NAT64 address (64:ff9b::/96) for 127.0.0.1")]
    [InlineData("[fec0::25]:25", "fec0::25 is a site-local address")]
    [InlineData("[fe80::1%1]:25", "fe80::1 is a link-local address")]
    public async Task EveryFormOfARefusedAddressIsRefused(string target, string why)
    {
        // any name lookup would go to a closed loopback port: a form read as a name fails as unresolvable, not silently
        var agent = new ProbeAgent(new AgentSettings { Name = "forms", Policy = TargetPolicy.Parse(["127.0.0.53/32"]) });
        var reply = await agent.HandleAsync(new AgentRequest { Targets = [target], Resolver = "127.0.0.53:1", Timeout = 1 }, "r");
        Assert.Null(reply.Error);
        var record = Assert.Single(reply.Records);
        Assert.Equal(ProbeAgent.RefusedOutcome, record.Outcome);
        Assert.Contains(why, record.Error);
    }
}
