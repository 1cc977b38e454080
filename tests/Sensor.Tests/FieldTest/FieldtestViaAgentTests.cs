using System.Net;
using System.Text.Json;
using Sensor.Tests.Agents;
using Sensor.Tests.Probing;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.FieldTest;

/// <summary>
/// `sensor fieldtest --via NAME`: the in-process agent "lab" on a real nats-server probes the same targets
/// now, and its records are the comparison from elsewhere. On loopback both places share one path, so the
/// agent agrees with here: a clean server is encrypted from both, a stripping proxy is "the server offers
/// no encryption" rather than "your network removes it" (the namespace test covers the other case).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FieldtestViaAgentTests(AgentFixture agents) : IClassFixture<AgentFixture>
{
    [Fact]
    public void TheAgentsProbeIsTheComparison_ForACleanServer()
    {
        var run = Run(["fieldtest", "127.0.0.1:25", "--proto", "smtp", "--no-db", "--json", "--timeout", "5", "--via", "lab", .. agents.Nats.CredentialArgs()]);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var record = JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement;
        Assert.Equal("encrypted", record.GetProperty("level").GetString());
        var elsewhere = Assert.Single(record.GetProperty("elsewhere").EnumerateArray());
        Assert.Equal(("lab", true), (elsewhere.GetProperty("vantage").GetString(), elsewhere.GetProperty("starttls_offered").GetBoolean()));
    }

    [Fact]
    public void TheAgentProbesEveryPortHereProbes_NotOnlySmtp()
    {
        var run = Run(["fieldtest", "127.0.0.1", "--no-db", "--json", "--timeout", "5", "--via", "lab", .. agents.Nats.CredentialArgs()]);
        Assert.Equal(0, run.ExitCode);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([25, 110, 143, 465, 587, 993, 995], records.Select(r => r.GetProperty("port").GetInt32()).Order());
        Assert.All(records, r => Assert.Equal("lab", Assert.Single(r.GetProperty("elsewhere").EnumerateArray()).GetProperty("vantage").GetString()));
    }

    [Fact]
    public void AnAgentThatSeesTheSameStrippingSaysTheServerLacksIt_NotTheNetwork()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse("127.0.0.5"));
        using var strip = new StripProxy("smtp", "strip", "127.0.0.1:25", "127.0.0.5", port);
        var run = Run(["fieldtest", $"127.0.0.5:{port}", "--proto", "smtp", "--no-db", "--json", "--timeout", "5", "--via", "lab", .. agents.Nats.CredentialArgs()]);
        Assert.Equal(0, run.ExitCode);
        var record = JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement;
        Assert.Equal("not-encrypted", record.GetProperty("level").GetString());
        var elsewhere = Assert.Single(record.GetProperty("elsewhere").EnumerateArray());
        Assert.Equal(("lab", false), (elsewhere.GetProperty("vantage").GetString(), elsewhere.GetProperty("starttls_offered").GetBoolean()));
    }

    [Fact]
    public void AnAgentThatDoesNotAnswerIsOneWarning_AndTheTestGoesOn()
    {
        var run = Run(["fieldtest", "127.0.0.1:25", "--proto", "smtp", "--no-db", "--json", "--timeout", "1", "--via", "nobody", .. agents.Nats.CredentialArgs()]);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("sensor: warning: no comparison from agent nobody: ", Assert.Single(run.StderrLines));
        var record = JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement;
        Assert.Equal("encrypted", record.GetProperty("level").GetString());
        Assert.Empty(record.GetProperty("elsewhere").EnumerateArray());
    }

    [Fact]
    public void ViaWithoutABusIsOneLineAndExitTwo()
    {
        var run = Run("fieldtest", "127.0.0.1:25", "--no-db", "--via", "lab");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: --bus nats://HOST:PORT is required", Assert.Single(run.StderrLines));
    }
}
