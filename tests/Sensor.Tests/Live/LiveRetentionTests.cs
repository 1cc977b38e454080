using Sensor.Cli.Service;
using Sensor.Core.Storage;
using Sensor.Tests.Cli;

namespace Sensor.Tests.Live;

/// <summary>`sensor live --keep` (Storage:Keep): the store pruned while capturing, and the live run's own record.</summary>
public class LiveRetentionTests
{
    [Theory]
    [InlineData("30d", "01:00:00")]
    [InlineData("2h", "00:12:00")]
    [InlineData("5m", "00:01:00")]
    public void PrunesEveryTenthOfTheKeepTime_BetweenAMinuteAndAnHour(string keep, string every)
    {
        Assert.True(Sensor.Cli.Duration.TryParse(keep, out var span));
        Assert.Equal(TimeSpan.Parse(every), RetentionService.Every(span));
    }

    [Fact]
    public void KeepOfZeroInTheConfig_IsOneLine_Exit2()
    {
        var path = Path.Combine(SensorProcess.TempDir(), "sensor.json");
        File.WriteAllText(path, "{ \"Capture\": { \"Interfaces\": [\"lo\"] },\n  \"Storage\": { \"Keep\": \"0\" } }");
        var run = SensorProcess.Run("live", "--config", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: {path}:2: Storage:Keep: must be above zero (leave it out to keep records for ever)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void KeepOnTheCommandLine_TakesADuration()
    {
        var run = SensorProcess.Run("live", "-i", "lo", "--no-db", "--keep", "soon");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--keep takes a positive duration like 7d, 12h, 1h30m or 90s, not 'soon'", Assert.Single(run.StderrLines));
    }

    [Fact, Trait(TestCategories.Name, TestCategories.Integration)] // opens a capture: needs CAP_NET_RAW
    public void Keep_PrunesWhatIsOlderAtStart_AndTheLiveRunIsStoredWithItsInterface()
    {
        var db = Path.Combine(SensorProcess.TempDir(), "sensor.db");
        // Sessions and findings of 2026-11-29 (the capture's time): older than a day.
        Assert.Equal(0, SensorProcess.Run("replay", "--db", db, "--store-sessions", "--no-progress", SensorProcess.BundledCapture("imap-login-cleartext.pcap")).ExitCode);
        using (var store = SensorStore.OpenReadOnly(db))
            Assert.Equal((2, 2), (store.Stats().Records["sessions"], store.Stats().Records["findings"]));

        using var sensor = LiveSensorProcess.Start("live", "-i", "lo", "--db", db, "--bpf", "tcp port 9", "--keep", "1d", "--verbose");
        Assert.True(SpinWait.SpinUntil(() => sensor.Stderr.Contains("store pruned of records older than 1.00:00:00: 0 runs, 2 sessions, 2 findings"), TimeSpan.FromSeconds(30)), sensor.Stderr);
        Assert.Equal(0, sensor.Interrupt());

        using var pruned = SensorStore.OpenReadOnly(db);
        Assert.Empty(pruned.Sessions());
        Assert.Empty(pruned.Findings());
        var runs = pruned.FindRuns(new RecordFilter()).ToList();
        Assert.Equal(["live", "replay"], runs.Select(r => r.Mode)); // the replay started less than a day ago: its run stays
        Assert.Equal(["lo"], runs[0].Interfaces);
        Assert.NotNull(runs[0].End);
    }
}
