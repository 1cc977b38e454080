using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sensor.Tests.Cli;
using Sensor.Tests.Live;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Service;

/// <summary>
/// The real `sensor live` binary as a service on lo: sd_notify to a socket the test owns, a Prometheus scrape
/// after a real SMTP session through the stripping proxy to postfix, and rules reloaded while it runs.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class LiveServiceTests
{
    private const string ProxyAddress = "127.0.0.42";

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void NotifiesReadyOnceCapturing_AndStoppingOnTheSignal(string signal)
    {
        var socketPath = Path.Combine(SensorProcess.TempDir(), "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        notify.ReceiveTimeout = 30_000;

        using var sensor = LiveSensorProcess.StartWith(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath },
            "live", "-i", "lo", "--no-db", "--bpf", "tcp port 9");
        Assert.Equal("READY=1", Receive(notify));
        Assert.Equal(0, sensor.Interrupt(signal));
        Assert.Equal("STOPPING=1", Receive(notify));
        notify.ReceiveTimeout = 500;
        Assert.Throws<SocketException>(() => Receive(notify)); // nothing else
    }

    [Fact]
    public void PrometheusScrape_CountsTheSessionItsFindingsAndEveryPacket_AndTheStatsLineSaysTheSame()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        int metricsPort = ProbeTestSupport.FreePort(IPAddress.Loopback);
        var config = WriteConfig(SensorProcess.TempDir(), $$"""
            {
              "Capture": { "Interfaces": ["lo"], "Bpf": "tcp port {{port}}" },
              "Storage": { "Enabled": false },
              "Sinks": { "Console": true },
              "Metrics": { "Prometheus": "127.0.0.1:{{metricsPort}}", "StatsInterval": "1s" },
              "Logging": { "MinimumLevel": "Information", "WriteTo": [ { "Name": "Console", "Args": { "standardErrorFromLevel": "Verbose", "outputTemplate": "{Message:lj}{NewLine}" } } ] }
            }
            """);
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:587", ProxyAddress, port);
        using var sensor = LiveSensorProcess.Start("live", "--config", config);

        LiveCommandTests.SmtpAuthPlainDialogue(ProxyAddress, port);
        Assert.True(sensor.WaitForStdout(l => l.Contains("\"starttls-absent\""), TimeSpan.FromSeconds(20)), "no finding; stderr: " + sensor.Stderr);
        Thread.Sleep(1000); // the last segments (FIN/ACK) of the closed connection
        var metrics = MetricsScrape.From(metricsPort);
        var statsLine = new System.Text.RegularExpressions.Regex(@"^stats: \d+ packets, \d+ bytes; dropped 0 by the kernel, 0 by the interface, 0 by the sensor; 1 flows \(\d active\), 1 sessions, 2 findings; queues \[.*\]; heap \d+ MiB$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(SpinWait.SpinUntil(() => statsLine.IsMatch(sensor.Stderr), TimeSpan.FromSeconds(10)), "no stats line: " + sensor.Stderr);
        Assert.Equal(0, sensor.Interrupt());

        Assert.Equal(1, MetricsScrape.Sample(metrics, "sensor_sessions_total"));
        Assert.Equal(1, MetricsScrape.Sample(metrics, "sensor_findings_total", "kind=\"plaintext-credential\",severity=\"high\""));
        Assert.Equal(1, MetricsScrape.Sample(metrics, "sensor_findings_total", "kind=\"starttls-absent\",severity=\"low\""));
        Assert.Equal(1, MetricsScrape.Sample(metrics, "sensor_build_info", $"version=\"{Sensor.Core.FieldTest.FieldTestRun.Version}\""));
        Assert.DoesNotContain("can be scraped from other hosts", sensor.Stderr);  // loopback: no warning
        Assert.Equal(1, MetricsScrape.Sample(metrics, "sensor_flows_total"));
        Assert.Equal(0, MetricsScrape.Sample(metrics, "sensor_drops_total", "source=\"sensor\""));
        Assert.True(MetricsScrape.Sample(metrics, "sensor_memory_bytes") > 1_000_000);
        // Every frame on the proxy's port was counted by the scrape: the capture's own total says the same.
        var captured = System.Text.RegularExpressions.Regex.Match(sensor.Stderr, @"lo: (\d+) packets, (\d+) bytes");
        Assert.True(captured.Success, sensor.Stderr);
        Assert.Equal(long.Parse(captured.Groups[1].Value), MetricsScrape.Sample(metrics, "sensor_packets_total"));
        Assert.Equal(long.Parse(captured.Groups[2].Value), MetricsScrape.Sample(metrics, "sensor_bytes_total"));
        Assert.True(MetricsScrape.Sample(metrics, "sensor_packets_total") >= 10);
    }

    [Fact]
    public void RuleFileChange_JudgesTheNextSessionByTheNewRules_AndABadFileKeepsThem()
    {
        var dir = SensorProcess.TempDir();
        var (rules, log) = (Path.Combine(dir, "rules.yaml"), Path.Combine(dir, "sensor.log"));
        var (proxy, sensor, port) = StartBehindManglingProxy(dir, rules, "",
            $$""" "Sinks": { "Console": true }, "Logging": { "MinimumLevel": "Information", "WriteTo": [ { "Name": "File", "Args": { "path": "{{log}}", "outputTemplate": "{Level:w}: {Message:lj}{NewLine}" } } ] } """);
        using var _ = proxy;
        using var __ = sensor;

        // No mangling pattern: XXXXXXXA is just a capability, STARTTLS is absent.
        Assert.Equal("starttls-absent", NextStartTlsFinding(sensor, port));

        File.WriteAllText(rules, "version: 1\nmangled_capabilities:\n  - pattern: '^XXXXXXXA$'\n");
        WaitForLog(log, "rules reloaded (rule file changed): 1 mangling patterns");
        Assert.Equal("starttls-stripped/mangled", NextStartTlsFinding(sensor, port));

        File.WriteAllText(rules, "version: 1\nmangled_capabilities:\n  - pattern: '(unclosed'\n");
        WaitForLog(log, "rules not reloaded (rule file changed), the previous rules stay: " + rules + ":3:14: not a valid regular expression");
        Assert.Equal("starttls-stripped/mangled", NextStartTlsFinding(sensor, port));
        Assert.Equal(0, sensor.Interrupt());
        Assert.Single(File.ReadAllLines(log), l => l.StartsWith("error: "));
    }

    [Fact]
    public void Sighup_ReloadsRules_AndReopensTheJsonLinesFileLogrotateMoved()
    {
        var dir = SensorProcess.TempDir();
        var (rules, events) = (Path.Combine(dir, "rules.yaml"), Path.Combine(dir, "events.jsonl"));
        var (proxy, sensor, port) = StartBehindManglingProxy(dir, rules, ", \"Watch\": false", $$""" "Sinks": { "Console": true, "JsonLines": { "Path": "{{events}}" } } """);
        using var _ = proxy;
        using var __ = sensor;

        Assert.Equal("starttls-absent", NextStartTlsFinding(sensor, port));
        File.WriteAllText(rules, "version: 1\nmangled_capabilities:\n  - pattern: '^XXXXXXXA$'\n");
        Thread.Sleep(1000);
        // Not watched: the change alone does nothing.
        Assert.Equal("starttls-absent", NextStartTlsFinding(sensor, port));

        File.Move(events, events + ".1"); // what logrotate does before its postrotate SIGHUP
        sensor.Signal("HUP");
        // Rules are reloaded before the file is reopened: once it exists again, both are done.
        Assert.True(SpinWait.SpinUntil(() => File.Exists(events), TimeSpan.FromSeconds(10)), "not reopened; stderr: " + sensor.Stderr);
        Assert.Equal("starttls-stripped/mangled", NextStartTlsFinding(sensor, port));
        Assert.Equal(0, sensor.Interrupt());

        var rotated = File.ReadAllLines(events + ".1");
        var reopened = File.ReadAllLines(events);
        Assert.Equal(2, rotated.Count(l => l.Contains("\"starttls-absent\"")));
        Assert.Single(reopened, l => l.Contains("\"mangled\""));
        Assert.DoesNotContain(reopened, l => l.Contains("\"starttls-absent\""));
        Assert.All(rotated.Concat(reopened), l => JsonDocument.Parse(l));
    }

    [Fact]
    public void JsonLinesFile_RotatesEverySecondAsConfigured_KeepingTwoOldFilesOfWholeLines()
    {
        var dir = SensorProcess.TempDir();
        var events = Path.Combine(dir, "events.jsonl");
        var (proxy, sensor, port) = StartBehindManglingProxy(dir, Path.Combine(dir, "rules.yaml"), "",
            $$""" "Sinks": { "Console": true, "JsonLines": { "Path": "{{events}}", "RotateEvery": "00:00:01", "Keep": 2 } } """);
        using var _ = proxy;
        using var __ = sensor;

        for (int i = 0; i < 4; i++)
        {
            NextStartTlsFinding(sensor, port);
            Thread.Sleep(1100); // the next session's lines fall after the next boundary
        }
        Assert.Equal(0, sensor.Interrupt());

        var files = Directory.GetFiles(dir, "events.jsonl*").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(["events.jsonl", "events.jsonl.1", "events.jsonl.2"], files);
        var lastSession = StartTlsFindings(sensor)[^1].GetProperty("session").GetString();
        Assert.Contains(File.ReadAllLines(events), l => l.Contains($"\"{lastSession}\""));
        Assert.All(files, file => Assert.All(File.ReadAllLines(Path.Combine(dir, file!)), line => JsonDocument.Parse(line)));
    }

    /// <summary>
    /// A mangling proxy (STARTTLS overwritten with XXXXXXXA) in front of postfix, and the sensor on lo watching
    /// its port with a rule file that has no mangling pattern yet; <paramref name="more"/> adds sections (Sinks.Console must be on).
    /// </summary>
    private static (StripProxy Proxy, LiveSensorProcess Sensor, int Port) StartBehindManglingProxy(string dir, string rules, string ruleOptions, string more)
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        File.WriteAllText(rules, "version: 1\nmangled_capabilities: []\n");
        var config = WriteConfig(dir, $$"""
            {
              "Capture": { "Interfaces": ["lo"], "Bpf": "tcp port {{port}}" },
              "Rules": { "File": "{{rules}}"{{ruleOptions}} },
              "Storage": { "Enabled": false },
              {{more}}
            }
            """);
        var proxy = new StripProxy("smtp", "mangle", "127.0.0.1:587", ProxyAddress, port);
        try
        {
            return (proxy, LiveSensorProcess.Start("live", "--config", config), port);
        }
        catch
        {
            proxy.Dispose();
            throw;
        }
    }

    private static string WriteConfig(string dir, string json)
    {
        var path = Path.Combine(dir, "sensor.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>One EHLO/QUIT session through the proxy; the STARTTLS finding it produced, as "kind" or "kind/variant".</summary>
    private static string NextStartTlsFinding(LiveSensorProcess sensor, int port)
    {
        int before = StartTlsFindings(sensor).Count;
        using (var client = new TcpClient(ProxyAddress, port))
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.StartsWith("220", LiveCommandTests.ReadReply(reader));
            LiveCommandTests.Send(stream, "EHLO client.test");
            LiveCommandTests.ReadReply(reader);
            LiveCommandTests.Send(stream, "QUIT");
            LiveCommandTests.ReadReply(reader);
        }
        Assert.True(SpinWait.SpinUntil(() => StartTlsFindings(sensor).Count > before, TimeSpan.FromSeconds(20)), "no finding; stderr: " + sensor.Stderr);
        var finding = StartTlsFindings(sensor)[before];
        var variant = finding.GetProperty("variant").GetString();
        return finding.GetProperty("kind").GetString() + (variant is null ? "" : "/" + variant);
    }

    private static List<JsonElement> StartTlsFindings(LiveSensorProcess sensor) =>
        sensor.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "finding" && r.GetProperty("kind").GetString()!.StartsWith("starttls"))
            .ToList();

    private static void WaitForLog(string path, string start) =>
        Assert.True(SpinWait.SpinUntil(() => File.Exists(path) && ReadShared(path).Split('\n').Any(l => l.Contains(start)), TimeSpan.FromSeconds(20)),
            $"the log never said '{start}': {(File.Exists(path) ? ReadShared(path) : "no log")}");

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        int n = socket.Receive(buffer);
        return Encoding.ASCII.GetString(buffer, 0, n).TrimEnd('\n');
    }

}
