using System.Net;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using Sensor.Tests.Live;
using Sensor.Tests.Probing;
using Sensor.Tests.Service;
using static Sensor.Tests.Fleet.FleetTestSupport;

namespace Sensor.Tests.Fleet;

/// <summary>
/// The real `sensor live` on lo (filtered to its own proxy port), real postfix sessions through the
/// stripping proxy, and the nats-server killed and restarted on its store while the sensor runs.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FleetLiveTests
{
    private const string ProxyAddress = "127.0.0.43";
    private const string Sensor = "live-a";

    [Fact]
    public async Task LiveSensor_LosesTheBusMidRun_KeepsReporting_AndCatchesUpInOrderWhenItReturns()
    {
        using var nats = new NatsServer(jetStream: true);
        var port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:587", ProxyAddress, port);
        var db = Path.Combine(SensorProcess.TempDir(), "sensor.db");
        var metricsPort = ProbeTestSupport.FreePort(IPAddress.Loopback);
        using var sensor = LiveSensorProcess.StartWith(new Dictionary<string, string> { ["SENSOR__Metrics__Prometheus"] = $"127.0.0.1:{metricsPort}" },
            ["live", "-i", "lo", "--json", "--db", db, "--bpf", $"tcp port {port}", "--sensor-name", Sensor, .. nats.CredentialArgs()]);
        int Credentials() => sensor.StdoutLines.Count(l => l.Contains("\"plaintext-credential\""));
        void Session(int expected)
        {
            LiveCommandTests.SmtpAuthPlainDialogue(ProxyAddress, port);
            Assert.True(SpinWait.SpinUntil(() => Credentials() == expected, TimeSpan.FromSeconds(20)), $"session {expected} not reported; stderr: {sensor.Stderr}");
        }

        Session(1);
        Assert.True(SpinWait.SpinUntil(() => Tail(nats, "--sensor", Sensor).Findings.Count > 0, TimeSpan.FromSeconds(20)), "nothing reached the bus: " + sensor.Stderr);
        nats.Stop();
        Session(2); // capture does not wait for the bus
        Session(3);
        // down for longer than a publish waits for its ack: the sensor notices, keeps the records and retries
        Assert.True(SpinWait.SpinUntil(() => sensor.Stderr.Contains(" is not available ("), TimeSpan.FromSeconds(30)), sensor.Stderr);
        nats.Start();
        Session(4);

        var ids = FindingIds(new SensorRun(0, sensor.Stdout, ""));
        Assert.True(SpinWait.SpinUntil(() => Tail(nats, "--sensor", Sensor).Findings.Count >= ids.Count, TimeSpan.FromSeconds(60)),
            "the sensor did not catch up; stderr: " + sensor.Stderr);
        // every record made so far was acknowledged: the metrics say so too
        Assert.True(SpinWait.SpinUntil(() => MetricsScrape.Sample(MetricsScrape.From(metricsPort), "sensor_bus_published_total") == sensor.StdoutLines.Length,
            TimeSpan.FromSeconds(20)), MetricsScrape.From(metricsPort));
        var metrics = MetricsScrape.From(metricsPort);
        Assert.Equal(0, MetricsScrape.Sample(metrics, "sensor_bus_waiting"));
        Assert.Equal(0, MetricsScrape.Sample(metrics, "sensor_bus_dropped_total"));
        Assert.Equal(0, sensor.Interrupt());
        ids = FindingIds(new SensorRun(0, sensor.Stdout, "")); // what the shutdown flushed goes out before the exit

        Assert.Equal(ids, Tail(nats, "--sensor", Sensor).Findings.Select(f => f.Record.Id).ToList());
        Assert.Equal(4, Tail(nats, "--sensor", Sensor, "--kind", "plaintext-credential").Findings.Count);
        Assert.Equal(sensor.StdoutLines.Length, (await StreamMessagesAsync(nats)).Count); // every session and finding once
    }
}
