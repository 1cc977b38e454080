using System.Diagnostics;
using System.Text.RegularExpressions;
using Sensor.Core.Storage;
using Xunit.Abstractions;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>
/// `sensor replay` killed with SIGKILL at random moments while it writes the store: each time the store
/// opens again, and every record of a commit the sensor had acknowledged (its debug line "store:
/// committed N sessions and M findings of run R, the last mail session S") is there.
/// </summary>
public partial class StoreKillTests(ITestOutputHelper output)
{
    private const int Copies = 12_000; // sessions (and 24,000 findings): a dozen commits of 1,000 and more
    private const int Rounds = 5;

    [Fact]
    public void KilledAtRandomMoments_TheStoreOpensWithEveryAcknowledgedRecord()
    {
        var dir = TempDir();
        var capture = Path.Combine(dir, "many.pcap");
        File.WriteAllBytes(capture, EvidenceAtScaleTests.ManySessions(BundledCapture("smtp-auth-plain-cleartext.pcap"), Copies));
        var db = Path.Combine(dir, "sensor.db");
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (int round = 0; round < Rounds; round++)
        {
            // Killed after a random number of acknowledged commits, a random few milliseconds on: in the middle of a later one, or between two.
            int afterCommits = random.Next(1, 8);
            var acknowledged = KillAfter(capture, db, afterCommits, random.Next(0, 40));
            output.WriteLine($"round {round}: killed after {afterCommits} commits; last acknowledged {acknowledged}");
            Assert.NotNull(acknowledged);
            // First as `sensor findings` opens it (read-only: the log is read, not replayed into the file), then as the next run does.
            using (var reader = SensorStore.OpenReadOnly(db))
                HoldsEveryAcknowledgedRecord(reader, capture, acknowledged.Value);
            using (var writer = SensorStore.Open(db))
                HoldsEveryAcknowledgedRecord(writer, capture, acknowledged.Value);
        }
    }

    private static void HoldsEveryAcknowledgedRecord(SensorStore store, string capture, (long Sessions, long Findings, string Run, string LastSession) acknowledged)
    {
        var (sessions, findings, run, lastSession) = acknowledged;
        var stored = store.Run(run);
        Assert.NotNull(stored);
        Assert.Null(stored.End); // killed: the run never ended
        Assert.Equal(capture, Assert.Single(stored.Captures).File);
        var (ofRun, findingsOfRun) = store.CountOfRun(run);
        Assert.True(ofRun >= sessions, $"{ofRun} sessions of run {run} stored, {sessions} acknowledged");
        Assert.True(findingsOfRun >= findings, $"{findingsOfRun} findings of run {run} stored, {findings} acknowledged");
        Assert.Contains(store.FindSessions(new RecordFilter { Run = run }), s => s.Id == lastSession);
        Assert.All(store.FindFindings(new RecordFilter { Run = run }), f => Assert.Equal(run, f.Run)); // every stored record reads back whole
    }

    /// <summary>Runs a replay into the store, kills it (SIGKILL) once it has acknowledged <paramref name="commits"/> commits and <paramref name="delayMs"/> more; the last acknowledgement.</summary>
    private static (long Sessions, long Findings, string Run, string LastSession)? KillAfter(string capture, string db, int commits, int delayMs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { DllPath, "replay", "--db", db, "--store-sessions", "--no-progress", "--verbose", capture })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        (long, long, string, string)? last = null;
        int seen = 0;
        while (process.StandardError.ReadLine() is { } line)
        {
            if (Acknowledgement().Match(line) is not { Success: true } m)
                continue;
            last = (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value), m.Groups[3].Value, m.Groups[4].Value);
            if (++seen == commits)
            {
                Thread.Sleep(delayMs);
                process.Kill(); // SIGKILL
                break;
            }
        }
        // Lines written before the kill still count: each is written only after its commit returned.
        while (process.StandardError.ReadLine() is { } line)
            if (Acknowledgement().Match(line) is { Success: true } m)
                last = (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value), m.Groups[3].Value, m.Groups[4].Value);
        process.WaitForExit();
        return last;
    }

    [GeneratedRegex(@"store: committed (\d+) sessions and (\d+) findings of run (\S+), the last mail session ([0-9a-f]{16})")]
    private static partial Regex Acknowledgement();
}
