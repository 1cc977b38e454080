using System.Diagnostics;
using System.Text.Json;
using NATS.Client.JetStream;
using Sensor.Core.Fleet;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using static Sensor.Tests.Fleet.FleetTestSupport;

namespace Sensor.Tests.Fleet;

/// <summary>
/// Two real `sensor replay` processes publishing to a real nats-server with JetStream (its store in a
/// temp dir), and the real `sensor tail` reading the fleet's findings back.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FleetTests
{
    private const string EdgeA = "edge-a";
    private const string EdgeB = "edge-b";
    private const string CaptureA = "smtp-strip-removed.pcap";
    private const string CaptureB = "imap-login-cleartext.pcap";
    private const string Killed = "kill-a";

    /// <summary>Both sensors publish at once; returns their runs.</summary>
    private static (SensorRun A, SensorRun B) PublishTwoSensors(NatsServer nats)
    {
        var a = Task.Run(() => ReplayAs(nats.CredentialArgs(), EdgeA, SensorProcess.TempDir(), CaptureA));
        var b = Task.Run(() => ReplayAs(nats.CredentialArgs(), EdgeB, SensorProcess.TempDir(), CaptureB));
        Assert.True(a.Result.ExitCode == 0, a.Result.Stderr);
        Assert.True(b.Result.ExitCode == 0, b.Result.Stderr);
        return (a.Result, b.Result);
    }

    [Fact]
    public async Task TwoSensors_TailSeesBothWithTheManifestsFindings_AndTheStreamKeepsEveryRecordOnce()
    {
        using var nats = new NatsServer(jetStream: true);
        var (a, b) = PublishTwoSensors(nats);

        var (_, findings) = Tail(nats);
        var expected = ManifestKeys(EdgeA, CaptureA).Concat(ManifestKeys(EdgeB, CaptureB)).Order().ToList();
        Assert.Equal(expected, findings.Select(f => f.Key).Order().ToList());
        var credentials = findings.Where(f => f.Record.Kind == "plaintext-credential").ToList();
        Assert.Equal(4, credentials.Count);
        Assert.All(credentials, f => Assert.Equal("redacted", f.Record.Evidence["secret"]?.ToString()));
        // per sensor, the stream's order is the order the sensor made them
        Assert.Equal(FindingIds(a), findings.Where(f => f.Sensor == EdgeA).Select(f => f.Record.Id).ToList());
        Assert.Equal(FindingIds(b), findings.Where(f => f.Sensor == EdgeB).Select(f => f.Record.Id).ToList());

        // sessions travel too, each record once, on subjects a consumer can filter on
        var messages = await StreamMessagesAsync(nats);
        Assert.Equal(BusRecords(a) + BusRecords(b), messages.Count);
        Assert.Equal(messages.Count, messages.Select(m => m.MsgId).Distinct().Count());
        Assert.Equal(2, messages.Count(m => m.Subject == "sensor.edge-a.session.smtp"));
        Assert.Equal(2, messages.Count(m => m.Subject == "sensor.edge-b.session.imap"));
        Assert.Equal(1, messages.Count(m => m.Subject == "sensor.edge-a.finding.starttls-stripped"));
        var verdicts = a.StdoutLines.Count(l => l.StartsWith("{\"type\":\"verdict\"", StringComparison.Ordinal));
        Assert.True(verdicts > 0);
        Assert.Equal(verdicts, messages.Count(m => m.Subject.StartsWith("sensor.edge-a.verdict.", StringComparison.Ordinal)));
        Assert.Equal(2, messages.Count(m => m.Subject == "sensor.edge-b.finding.plaintext-credential"));
        Assert.All(messages, m => Assert.StartsWith(m.Subject.Split('.')[1] + "-", m.MsgId));
    }

    [Fact]
    public void Tail_WithoutJson_PrintsOneReadableLinePerFinding()
    {
        using var nats = new NatsServer(jetStream: true);
        PublishTwoSensors(nats);

        var run = SensorProcess.Run(["tail", .. nats.CredentialArgs(), "--all", "--no-follow", "--sensor", EdgeB]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(2, run.StdoutLines.Length);
        Assert.Matches(@"^\S+Z edge-b \[high\] plaintext-credential/imap-login imap 127\.0\.0\.1:37112 -> 127\.0\.0\.1:143 user=alice@example\.test: ", run.StdoutLines[0]);
        Assert.Matches(@"^\S+Z edge-b \[high\] plaintext-credential/imap-login imap 127\.0\.0\.1:37114 -> 127\.0\.0\.1:143 user=bob: ", run.StdoutLines[1]);
    }

    [Fact]
    public void Tail_FiltersByKindSeverityAndSensor()
    {
        using var nats = new NatsServer(jetStream: true);
        PublishTwoSensors(nats);

        var stripped = Tail(nats, "--kind", "starttls-stripped").Findings;
        Assert.Equal(ManifestKeys(EdgeA, CaptureA).Where(k => k.Contains(" starttls-stripped/")).ToList(), stripped.Select(f => f.Key).ToList());
        Assert.Single(stripped);

        var twoKinds = Tail(nats, "--kind", "starttls-stripped", "--kind", "cleartext-mail").Findings;
        Assert.Equal(3, twoKinds.Count);
        Assert.All(twoKinds, f => Assert.Contains(f.Record.Kind, new[] { "starttls-stripped", "cleartext-mail" }));

        // cleartext-mail is medium: --severity high leaves it out, medium keeps it
        var high = Tail(nats, "--severity", "high").Findings;
        Assert.Equal(5, high.Count);
        Assert.DoesNotContain(high, f => f.Record.Kind == "cleartext-mail");
        Assert.Equal(7, Tail(nats, "--severity", "medium").Findings.Count);
        Assert.Empty(Tail(nats, "--kind", "cleartext-mail", "--severity", "high").Findings);

        var onlyB = Tail(nats, "--sensor", EdgeB, "--kind", "plaintext-credential").Findings;
        Assert.Equal(["alice@example.test", "bob"], onlyB.Select(f => f.User).ToList());
        Assert.All(onlyB, f => Assert.Equal(EdgeB, f.Sensor));

        var lastHour = SensorProcess.Run(["tail", .. nats.CredentialArgs(), "--since", "1h", "--no-follow", "--json"]);
        Assert.Equal(7, lastHour.StdoutLines.Length);
        var newOnly = SensorProcess.Run(["tail", .. nats.CredentialArgs(), "--no-follow"]); // default: only what comes from now on
        Assert.True(newOnly.ExitCode == 0, newOnly.Stderr);
        Assert.Empty(newOnly.Stdout);

        // negative: a kind nobody reported, a sensor that never published
        Assert.Empty(Tail(nats, "--kind", "tls-weak").Findings);
        Assert.Empty(Tail(nats, "--sensor", "edge-z").Findings);
    }

    [Fact]
    public async Task Tail_Following_SeesBothSensorsAsTheyPublish()
    {
        using var nats = new NatsServer(jetStream: true);
        await using var connection = await Sensor.Core.Agents.AgentBus.ConnectAsync(Options(nats), CancellationToken.None);
        var js = new NATS.Client.JetStream.NatsJSContext(connection);
        await FleetStream.EnsureAsync(js, CancellationToken.None);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<FleetFinding>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var following = FleetTail.RunAsync(js, new FleetTailFilter([]), new FleetTailStart(), follow: true, seen.Enqueue, _ => { }, stop.Token);
        await Task.Delay(500); // the consumer starts at "new": let it exist before anything is published

        PublishTwoSensors(nats);

        Assert.True(SpinWait.SpinUntil(() => seen.Count >= 7, TimeSpan.FromSeconds(30)), $"saw {seen.Count} of 7 findings");
        await stop.CancelAsync();
        await following.WaitAsync(TimeSpan.FromSeconds(10)); // cancelling ends the follow quietly
        Assert.Equal(5, seen.Count(f => f.Sensor == EdgeA));
        Assert.Equal(2, seen.Count(f => f.Sensor == EdgeB));
    }

    /// <summary>Anyone with publish rights can write to the stream: what is not a finding record is skipped with a warning.</summary>
    [Fact]
    public async Task Tail_SkipsMessagesThatAreNotFindingRecords()
    {
        using var nats = new NatsServer(jetStream: true);
        await using (var connection = await Sensor.Core.Agents.AgentBus.ConnectAsync(Options(nats), CancellationToken.None))
        {
            var js = new NATS.Client.JetStream.NatsJSContext(connection);
            await FleetStream.EnsureAsync(js, CancellationToken.None);
            (await js.PublishAsync("sensor.evil.finding.x", "\u001b[2J not json"u8.ToArray())).EnsureSuccess();
            (await js.PublishAsync("sensor.evil.finding.x", """{"type":"finding","kind":"x","severity":"high","summary":"ok"}"""u8.ToArray())).EnsureSuccess();
        }

        var run = SensorProcess.Run(["tail", .. nats.CredentialArgs(), "--all", "--no-follow"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(" evil [high] x   -> : ok (id )", Assert.Single(run.StdoutLines));
        Assert.Equal("sensor: warning: skipped a message on sensor.evil.finding.x that is not a finding record", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task BusStoppedAndRestartedOnTheSameStore_NothingIsLost_AndEachSensorsOrderIsKept()
    {
        using var nats = new NatsServer(jetStream: true);
        var folder = SensorProcess.TempDir();
        var first = ReplayAs(nats.CredentialArgs(), EdgeA, folder, "smtp-auth-plain-cleartext.pcap");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var other = ReplayAs(nats.CredentialArgs(), EdgeB, SensorProcess.TempDir(), "pop3-stls-mangled.pcap");
        Assert.True(other.ExitCode == 0, other.Stderr);

        nats.Stop();
        var whileDown = ReplayAs(nats.CredentialArgs(), EdgeA, folder, "imap-login-cleartext.pcap");
        Assert.True(whileDown.ExitCode == 0, whileDown.Stderr);
        Assert.Equal(2, FindingIds(whileDown).Count); // capture and the other outputs went on
        Assert.Contains($"{BusRecords(whileDown)} records kept in the outbox; the next run with --bus sends them first", whileDown.Stderr);

        nats.Start();
        var afterwards = ReplayAs(nats.CredentialArgs(), EdgeA, folder, "pop3-user-pass-cleartext.pcap");
        Assert.True(afterwards.ExitCode == 0, afterwards.Stderr);
        Assert.DoesNotContain("kept in the outbox", afterwards.Stderr);

        var findings = Tail(nats).Findings;
        Assert.Equal([.. FindingIds(first), .. FindingIds(whileDown), .. FindingIds(afterwards)],
            findings.Where(f => f.Sensor == EdgeA).Select(f => f.Record.Id).ToList());
        Assert.Equal(FindingIds(other), findings.Where(f => f.Sensor == EdgeB).Select(f => f.Record.Id).ToList());
        var messages = await StreamMessagesAsync(nats);
        Assert.Equal(BusRecords(first) + BusRecords(other) + BusRecords(whileDown) + BusRecords(afterwards), messages.Count);
    }

    /// <summary>Every record in the stream exactly once, counted by message id, after SIGKILLs at random moments and a run to the end.</summary>
    [Fact]
    public async Task SensorKilledAtRandomMoments_ThenRunAgain_EveryRecordIsInTheStreamExactlyOnce()
    {
        using var nats = new NatsServer(jetStream: true);
        var folder = SensorProcess.TempDir();
        string[] replay = ["replay", "--json", "--no-progress", "--db", Path.Combine(folder, "sensor.db"), "--sensor-name", Killed, .. nats.CredentialArgs(), GeneratedCapture.Value];
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

    /// <summary>The message ids a run's records go to the bus under: the sensor, the record type and the record's id.</summary>
    private static IEnumerable<string> MessageIds(SensorRun run) =>
        run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() != "stats")
            .Select(r => $"{Killed}-{r.GetProperty("type").GetString()}-{r.GetProperty("id").GetString()}");

    [Fact]
    public void BusDownFromTheStart_SensorWritesItsNormalOutputsAndExitsZero()
    {
        using var credentials = new NatsServer();
        var (plain, folder) = (SensorProcess.TempDir(), SensorProcess.TempDir());
        var withoutBus = SensorProcess.Run("replay", "--json", "--db", Path.Combine(plain, "sensor.db"), SensorProcess.BundledCapture(CaptureA));
        File.Copy(Path.Combine(plain, "fingerprint.key"), Path.Combine(folder, "fingerprint.key")); // the same secret fingerprints

        var run = ReplayAs(DeadBus(credentials), EdgeA, folder, CaptureA);

        Assert.Equal(0, run.ExitCode);
        // the same records; a verdict carries the time it was made
        Assert.Equal(withoutBus.StdoutLines.Where(NotVerdict).Select(SensorProcess.WithoutRunId), run.StdoutLines.Where(NotVerdict).Select(SensorProcess.WithoutRunId));
        Assert.Equal(withoutBus.StdoutLines.Length, run.StdoutLines.Length);
        Assert.Contains("is not available", run.Stderr);
        Assert.Contains($"{BusRecords(run)} records kept in the outbox", run.Stderr);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "fleet-outbox-edge-a"), "*.seg"));
        Assert.Equal(BusRecords(run), FleetJournalTests.Waiting(folder, EdgeA).Count);
    }

    [Fact]
    public void ABusGivenForTheAgents_PublishesOnlyWithPublish()
    {
        using var nats = new NatsServer(jetStream: true);
        string[] forAgents = ["--crosscheck", "--crosscheck-timeout", "2", "--via", "nobody", .. nats.CredentialArgs()];
        var (quiet, loud) = (SensorProcess.TempDir(), SensorProcess.TempDir());

        var probesOnly = SensorProcess.Run(["replay", "--json", "--db", Path.Combine(quiet, "sensor.db"), .. forAgents, SensorProcess.BundledCapture(CaptureA)]);
        Assert.True(probesOnly.ExitCode == 0, probesOnly.Stderr);
        Assert.Empty(Tail(nats).Findings);
        Assert.Empty(Directory.GetFileSystemEntries(quiet, "fleet-outbox-*"));

        var published = ReplayAs([.. forAgents, "--publish"], EdgeB, loud, CaptureA);
        Assert.True(published.ExitCode == 0, published.Stderr);
        Assert.Equal(FindingIds(published), Tail(nats, "--sensor", EdgeB).Findings.Select(f => f.Record.Id).ToList());
    }

    private static bool NotVerdict(string line) => !line.StartsWith("{\"type\":\"verdict\"", StringComparison.Ordinal);

    [Theory]
    [InlineData("--show-secrets", "sensor: error: --show-secrets does not go with --bus: secrets never leave this machine over the bus")]
    [InlineData("--sensor-name=a.b", "sensor: error: --sensor-name takes 1-64 letters, digits, '-' or '_', not 'a.b'")]
    [InlineData("--bus-outbox-max=0", "sensor: error: --bus-outbox-max takes a whole number from 1 to 10000000, not '0'")]
    public void BadFleetOptions_AreOneLineAndExit2(string option, string error)
    {
        using var nats = new NatsServer();
        var run = SensorProcess.Run(["replay", "--no-db", .. nats.CredentialArgs(), option, SensorProcess.BundledCapture(CaptureA)]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(error, Assert.Single(run.StderrLines));
    }

    [Fact]
    public void FleetOptionsWithoutABus_AreOneLineAndExit2()
    {
        var run = SensorProcess.Run("replay", "--no-db", "--sensor-name", "edge-a", SensorProcess.BundledCapture(CaptureA));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: --sensor-name and --bus-outbox-max go with fleet mode (--bus; with --via, --bus and --publish)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void Tail_BadSeverityOrUnreachableBus_IsOneLineAndExit2()
    {
        using var nats = new NatsServer();
        var severity = SensorProcess.Run(["tail", .. nats.CredentialArgs(), "--severity", "urgent"]);
        Assert.Equal(2, severity.ExitCode);
        Assert.Equal("sensor: error: --severity takes info, low, medium or high, not 'urgent'", Assert.Single(severity.StderrLines));

        var dead = SensorProcess.Run(["tail", .. DeadBus(nats)]);
        Assert.Equal(2, dead.ExitCode);
        Assert.StartsWith("sensor: error: cannot connect to nats://127.0.0.1:", Assert.Single(dead.StderrLines));
    }
}
