using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sensor.Core.Output;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using Sensor.Tests.Live;
using Sensor.Tests.Probing;
using Sensor.Tests.Service;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// `sensor live --crosscheck` on lo: a session through a proxy that strips STARTTLS in front of the
/// loopback postfix (so, seen from anywhere on this machine, the server offers none) is probed from
/// here and through the in-process agent "lab" while capture goes on; the verdict is reported while
/// capture still runs (the engine looks every 5 s) and not again at SIGINT.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class LiveCrossCheckTests(AgentFixture agents) : IClassFixture<AgentFixture>
{
    private const string ProxyAddress = "127.0.0.42";

    [Fact]
    public void TheServersProbedWhileCapturingAreJudgedWhileItRuns()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        StripAndJudge(port, ["live", "-i", "lo", "--json", "--no-db", "--bpf", $"tcp port {port}",
            "--crosscheck", "--crosscheck-timeout", "5", "--crosscheck-wait", "30s", "--via", "lab", .. agents.Nats.CredentialArgs()]);
    }

    [Fact]
    public void TheConfigFileCanAskForTheCrossCheckAndItsAgents()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        int metricsPort = ProbeTestSupport.FreePort(IPAddress.Loopback);
        var nats = agents.Nats;
        var config = Path.Combine(SensorProcess.TempDir(), "sensor.json");
        File.WriteAllText(config, $$"""
            {
              "Capture": { "Interfaces": ["lo"], "Bpf": "tcp port {{port}}" },
              "Storage": { "Enabled": false },
              "Sinks": { "Console": true },
              "Metrics": { "Prometheus": "127.0.0.1:{{metricsPort}}" },
              // the bus's credentials stay out of the command line (ps) and in the file
              "Bus": { "Url": "{{nats.Url}}", "User": "{{NatsServer.User}}", "PasswordFile": "{{nats.PasswordFile}}" },
              "CrossCheck": { "Enabled": true, "Via": ["lab"], "StepTimeout": "00:00:05", "Wait": "00:00:30" },
            }
            """);
        var metrics = StripAndJudge(port, ["live", "--config", config], metricsPort);

        Assert.Equal(1, MetricsScrape.Sample(metrics, "sensor_verdicts_total", "verdict=\"server-lacks-tls\""));
        Assert.Equal(2, MetricsScrape.Sample(metrics, "sensor_crosscheck_requests_total", "result=\"probed\"")); // here and lab
        Assert.Equal(0, MetricsScrape.Sample(metrics, "sensor_crosscheck_requests_total", "result=\"dropped\""));
        Assert.Equal(0, MetricsScrape.Sample(metrics, "sensor_crosscheck_waiting"));
    }

    /// <summary>One session through a stripping proxy; the verdict must come while capture runs, and once. Returns the metrics scraped before the stop.</summary>
    private static string StripAndJudge(int port, string[] args, int? metricsPort = null)
    {
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:25", ProxyAddress, port);
        using var sensor = LiveSensorProcess.Start(args);

        using (var client = new TcpClient(ProxyAddress, port))
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.StartsWith("220 ", reader.ReadLine());
            stream.Write("EHLO client.test\r\n"u8);
            while (reader.ReadLine() is { } line && line.StartsWith("250-", StringComparison.Ordinal)) { }
            stream.Write("QUIT\r\n"u8);
            Assert.StartsWith("221", reader.ReadLine());
        }
        Assert.True(sensor.WaitForStdout(l => l.Contains("\"starttls-absent\""), TimeSpan.FromSeconds(20)), "no finding while running; stderr: " + sensor.Stderr);
        Assert.True(sensor.WaitForStdout(l => l.StartsWith("{\"type\":\"verdict\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30)),
            "no verdict while running; stderr: " + sensor.Stderr);
        var metrics = metricsPort is { } scrape ? MetricsScrape.From(scrape) : "";
        Assert.Equal(0, sensor.Interrupt());

        var verdict = JsonSerializer.Deserialize(Assert.Single(sensor.StdoutLines, l => l.StartsWith("{\"type\":\"verdict\"", StringComparison.Ordinal)),
            RecordJsonContext.Default.VerdictRecord)!;
        Assert.Equal(("server-lacks-tls", $"{ProxyAddress}:{port}", 0.6, 1, 1), (verdict.Verdict, verdict.Server, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal([("lab", "starttls-absent", false), ("local", "starttls-absent", true)],
            verdict.Probes.OrderBy(p => p.Vantage, StringComparer.Ordinal).Select(p => (p.Vantage, p.Outcome, p.SamePath)));
        return metrics;
    }
}
