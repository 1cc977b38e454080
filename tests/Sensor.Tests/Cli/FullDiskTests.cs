using System.Text.RegularExpressions;
using Sensor.Tests.Agents;
using Sensor.Tests.Fleet;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>A full disk under the log file, the store or the fleet outbox is one clear line, exit 2, and no record unaccounted for.</summary>
public class FullDiskTests
{
    public static TheoryData<string[]> CommandsWithALogFile => new()
    {
        new[] { "replay", BundledCapture("smtp-strip-removed.pcap"), "--no-db", "--json", "--verbose" },
        new[] { "live", "-i", "sensor-no-such-if", "--no-db" },
        new[] { "agent", "--name", "x", "--bus", "nats://127.0.0.1:1" },
    };

    [Theory]
    [MemberData(nameof(CommandsWithALogFile))]
    public void ALogFileOnAFullDiskIsOneLineAndExitTwo(string[] command)
    {
        using var disk = new FullFilesystem(sizeKiB: 256, freeKiB: 0);
        var log = disk.File("sensor.log");
        var run = Run([.. command, "--log-file", log]);
        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("Unhandled exception", run.Stderr);
        Assert.Equal($"sensor: error: cannot write the log file: No space left on device : '{log}'", run.StderrLines[^1]);
    }

    [Fact]
    public async Task AStoreOnAFullDiskWithTheBusUp_StopsWithOneLine_AndEveryRecordIsPublishedOrKept()
    {
        using var nats = new NatsServer(jetStream: true);
        // room for the store to open (its collections and indexes, the run record) and take a few batches, not for every record of every capture
        using var disk = new FullFilesystem(sizeKiB: 1024, freeKiB: 512);
        var db = disk.File("sensor.db");
        var captures = Directory.GetFiles(Replay.Manifest.CapturesDirectory, "*.pcap").Order().ToArray();

        var run = Run(["replay", "--json", "--no-progress", "--db", db, "--sensor-name", "full", .. nats.CredentialArgs(), .. captures]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: replay stopped: cannot write the store {db}: no space left on the device", run.StderrLines[^1]);
        Assert.DoesNotContain("lock timeout", run.Stderr);
        // the run's own counts go to stdout only, not to the bus; a session two captures hold is one record (one id) to the stream
        var records = run.StdoutLines.Where(l => !l.StartsWith("{\"type\":\"stats\"", StringComparison.Ordinal))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Select(r => $"{r.GetProperty("type")}-{r.GetProperty("id")}").Distinct().Count();
        Assert.True(records > 200, $"{records} records");
        var published = (await FleetTestSupport.StreamMessagesAsync(nats)).Where(m => m.Subject.StartsWith("sensor.full.")).ToList();
        Assert.Equal(published.Count, published.Select(m => m.MsgId).Distinct().Count());
        int Count(string pattern) => Regex.Match(run.Stderr, pattern) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
        var kept = Count(@"bus: (\d+) records kept in the outbox");
        var lost = Count(@"bus: (\d+) records could not be kept in the outbox");
        Assert.True(lost == 0, run.Stderr); // the bus was up: what the disk could not keep went out from memory
        // Every record is in the stream or kept; one published whose acknowledgement had not come back when the run
        // stopped is both, at most one window of them (its resend carries the same message id, which JetStream deduplicates).
        Assert.InRange(published.Count + kept, records, records + Sensor.Core.Fleet.FleetPublisher.AckWindowSize);
        Assert.True(published.Count <= records, $"{published.Count} published, {records} records");
    }
}
