using System.Text.Json;
using Sensor.Core.Output;
using Sensor.Tests.Agents;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.CrossCheck;

/// <summary>`sensor replay --crosscheck` on the real binary: usage errors, and an agent that is not there.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class CrossCheckCommandTests
{
    private static VerdictRecord[] Verdicts(Sensor.Tests.Cli.SensorRun run) =>
        [.. run.StdoutLines.Where(l => l.StartsWith("{\"type\":\"verdict\"", StringComparison.Ordinal))
            .Select(l => JsonSerializer.Deserialize(l, RecordJsonContext.Default.VerdictRecord)!)];

    [Theory]
    [InlineData("--via|lab", "sensor: error: --via, --crosscheck-ttl, --crosscheck-timeout, --crosscheck-attempts and --crosscheck-wait go with --crosscheck")]
    [InlineData("--crosscheck-ttl|1h", "sensor: error: --via, --crosscheck-ttl, --crosscheck-timeout, --crosscheck-attempts and --crosscheck-wait go with --crosscheck")]
    [InlineData("--crosscheck|--via|a.b", "sensor: error: --via takes an agent name (1-64 letters, digits, '-' or '_'), tor or socks5://HOST:PORT, not 'a.b'")]
    [InlineData("--crosscheck|--via|lab", "sensor: error: --bus nats://HOST:PORT is required")]
    [InlineData("--crosscheck|--via|lab|--bus|nats://127.0.0.1:4222", "sensor: error: NATS credentials are required: give --creds FILE, --user NAME with --password-file FILE, or --token-file FILE")]
    [InlineData("--crosscheck|--crosscheck-ttl|0h", "sensor: error: --crosscheck-ttl takes a positive duration like 7d, 12h, 1h30m or 90s, not '0h'")]
    [InlineData("--crosscheck|--crosscheck-wait|soon", "sensor: error: --crosscheck-wait takes a positive duration like 7d, 12h, 1h30m or 90s, not 'soon'")]
    [InlineData("--crosscheck|--crosscheck-timeout|-1", "sensor: error: --crosscheck-timeout takes a number of seconds above 0 (at most 600), not '-1'")]
    public void BadCrossCheckOptionsAreOneLineAndExit2(string args, string error)
    {
        var run = Run(["replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--no-db", "--json", .. args.Split('|')]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(error, Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void ABusThatRefusesIsOneLineAndExit2()
    {
        var password = Path.Combine(TempDir(), "password");
        File.WriteAllText(password, "x");
        var port = Sensor.Tests.Probing.ProbeTestSupport.FreePort(System.Net.IPAddress.Loopback);
        var run = Run("replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--no-db", "--json", "--crosscheck",
            "--via", "lab", "--bus", $"nats://127.0.0.1:{port}", "--user", "u", "--password-file", password);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: cannot connect to nats://127.0.0.1:{port}: no NATS server accepted the connection (refused or unreachable)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void AnAgentThatIsNotThereLeavesTheVerdictInconclusive()
    {
        using var nats = new NatsServer();
        // 127.0.0.3:143 is where the capture's IMAP server was; nothing listens there now
        var run = Run(["replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--no-db", "--json", "--crosscheck", "--crosscheck-timeout", "3",
            "--via", "ghost", .. nats.CredentialArgs()]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var verdict = Assert.Single(Verdicts(run));
        Assert.Equal(("inconclusive", "imap", "127.0.0.3:143", 0.0, 0, 1), (verdict.Verdict, verdict.Protocol, verdict.Server, verdict.Confidence, verdict.Agreeing, verdict.Total));
        var probes = verdict.Probes.OrderBy(p => p.Vantage, StringComparer.Ordinal).ToList();
        Assert.Equal([("ghost", "vantage-unavailable", false), ("local", "unreachable", true)], probes.Select(p => (p.Vantage, p.Outcome, p.SamePath)));
        Assert.Equal("All 1 probes of 127.0.0.3:143 failed (vantage-unavailable): cannot tell the path from the server. "
            + "Not counted, as they cross the capture's own path: 3 connection(s) from local (3 failed)", verdict.Summary);
        // a probe from here (same path) is no evidence that the server offers STARTTLS: the finding stays absent
        Assert.Single(run.StdoutLines, l => l.Contains("\"kind\":\"starttls-absent\""));
        Assert.DoesNotContain(run.StdoutLines, l => l.Contains("\"kind\":\"starttls-stripped\""));
    }
}
