using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NATS.Client.JetStream;
using Sensor.Core.Agents;
using Sensor.Core.Fleet;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using static Sensor.Tests.Fleet.FleetTestSupport;

namespace Sensor.Tests.Fleet;

/// <summary>
/// Every record in the stream exactly once, counted by message id: after the sensor is killed with
/// SIGKILL at random moments and run again, and after nats-server goes away in the middle of a run.
/// A real nats-server with JetStream on a free loopback port, its store in a temp dir.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FleetExactlyOnceTests
{
    private const string Sensor = "kill-a";

    /// <summary>
    /// How long nats-server stays away in the outage test: 6 s unless SENSOR_TEST_BUS_OUTAGE_SECONDS says (30 for
    /// the outage the product is built to ride out; the publisher's retries then wait up to their 30 s cap).
    /// </summary>
    private static TimeSpan Outage =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SENSOR_TEST_BUS_OUTAGE_SECONDS"), out var s) ? s : 6);

    /// <summary>A capture of 2,000 real mail sessions (bench/Sensor.CaptureGen, built with the solution), made once.</summary>
    private static readonly Lazy<string> GeneratedCapture = new(() =>
    {
        var generator = Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "Sensor.Tests"), Path.Combine("bench", "Sensor.CaptureGen")), "sensor-capturegen.dll");
        Assert.True(File.Exists(generator), $"{generator} is missing: build Sensor.sln");
        var capture = Path.Combine(SensorProcess.TempDir(), "mail-2000.pcap");
        var run = SensorProcess.RunProgram("dotnet", [generator, capture, "--mail-sessions", "2000", "--min-bytes", "0", "--duration-seconds", "60"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return capture;
    });

    [Fact]
    public async Task SensorKilledAtRandomMoments_ThenRunAgain_EveryRecordIsInTheStreamExactlyOnce()
    {
        using var nats = new NatsServer(jetStream: true);
        var folder = SensorProcess.TempDir();
        string[] replay = ["replay", "--json", "--no-progress", "--db", Path.Combine(folder, "sensor.db"), "--sensor-name", Sensor, .. nats.CredentialArgs(), GeneratedCapture.Value];
        var random = new Random();
        var killedMidRun = 0;
        for (var kill = 0; kill < 3; kill++)
        {
            var before = await StreamCountAsync(nats);
            using var sensor = Process.Start(new ProcessStartInfo("dotnet", [SensorProcess.DllPath, .. replay])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["XDG_DATA_HOME"] = folder },
            })!;
            _ = sensor.StandardOutput.ReadToEndAsync();
            _ = sensor.StandardError.ReadToEndAsync();
            // once this run is publishing (the stream grows), then at a random moment within the next 400 ms
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await StreamCountAsync(nats) == before && !sensor.HasExited && DateTime.UtcNow < deadline)
                await Task.Delay(10);
            await Task.Delay(random.Next(400));
            if (!sensor.HasExited)
                killedMidRun++;
            sensor.Kill(); // SIGKILL: nothing is flushed, closed or synced
            await sensor.WaitForExitAsync();
        }
        Assert.True(killedMidRun > 0, "every run ended before it could be killed: the capture is too small for this machine");

        var last = SensorProcess.Run([.. replay]);
        Assert.True(last.ExitCode == 0, last.Stderr);

        var expected = MessageIds(last).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > 4000, $"{expected.Count} records");
        var stored = (await StreamMessagesAsync(nats)).Select(m => m.MsgId!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, stored); // no gap, no duplicate
    }

    /// <summary>
    /// The publisher takes 12,000 records while nats-server is stopped (gracefully: acks in flight are lost
    /// with the connection) for <see cref="Outage"/> a third of the way in and started again on its store.
    /// </summary>
    [Fact]
    public async Task BusAwayMidRun_EveryRecordIsInTheStreamOnce_InTheOrderMade()
    {
        using var nats = new NatsServer(jetStream: true);
        const int Records = 12_000;
        var warnings = new List<string>();
        var padding = new string('x', 600);
        await using (var publisher = FleetPublisher.Start(new FleetSettings(Options(nats), "out-a", SensorProcess.TempDir()), _ => { },
            line => { lock (warnings) warnings.Add(line); }))
        {
            var outage = Stopwatch.StartNew();
            for (var n = 0; n < Records; n++)
            {
                publisher.Enqueue(FleetSubjects.Session, "smtp", $"r{n:D5}", Encoding.UTF8.GetBytes($"{{\"n\":{n},\"pad\":\"{padding}\"}}"));
                if (n == Records / 3)
                {
                    Assert.True(SpinWait.SpinUntil(() => publisher.Published > 0, TimeSpan.FromSeconds(30)), "nothing was published before the outage");
                    nats.Stop(graceful: true);
                    outage.Restart();
                }
                if (n == 2 * Records / 3)
                {
                    Assert.True(SpinWait.SpinUntil(() => warnings.Any(w => w.Contains(" is not available (")), TimeSpan.FromSeconds(30)), string.Join('\n', warnings));
                    await Task.Delay(Outage - outage.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
                    nats.Start();
                }
                if (n % 500 == 0)
                    await Task.Delay(20); // records come over time, as capture makes them
            }
            Assert.True(SpinWait.SpinUntil(() => publisher.Waiting == 0, TimeSpan.FromSeconds(120)), $"{publisher.Waiting} records still wait; " + string.Join('\n', warnings));
            Assert.Equal(Records, publisher.Published);
            Assert.Equal(0, publisher.Dropped);
        }

        var stored = (await StreamMessagesAsync(nats)).Select(m => m.MsgId).ToList();
        Assert.Equal(Enumerable.Range(0, Records).Select(n => $"out-a-session-r{n:D5}"), stored); // each once, in the order made
    }

    /// <summary>The message ids a run's records go to the bus under: the sensor, the record type and the record's id.</summary>
    private static IEnumerable<string> MessageIds(SensorRun run) =>
        run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() != "stats")
            .Select(r => $"{Sensor}-{r.GetProperty("type").GetString()}-{r.GetProperty("id").GetString()}");

    private static async Task<long> StreamCountAsync(NatsServer nats)
    {
        await using var connection = await AgentBus.ConnectAsync(Options(nats), CancellationToken.None);
        var js = new NatsJSContext(connection);
        try
        {
            return (await js.GetStreamAsync(FleetStream.Name)).Info.State.Messages;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return 0;
        }
    }
}
