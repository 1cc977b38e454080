using Sensor.Core.Output;
using Sensor.Core.Storage;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.CrossCheck;

/// <summary>`sensor import` run as a user would, then `sensor replay` over the same store.</summary>
public class ImportCommandTests
{
    private static ProbeRecord RecentOk(string server) => Probes.Make("abroad", server,
        (Probes.Now - DateTime.UtcNow).TotalHours + 1, "ok", offered: true, tls: true, Probes.CertA, null, "imap");

    [Fact]
    public void ABadLineIsOneErrorWithItsLineNumberAndNothingIsImported()
    {
        var dir = TempDir();
        var db = Path.Combine(dir, "s.db");
        var file = Path.Combine(dir, "elsewhere.jsonl");
        File.WriteAllText(file, Probes.JsonLines(RecentOk("127.0.0.3:143")) + "{\"type\":\"session\",\"id\":\"x\"}\n{\"type\":\"probe\",\"vantage\":\"abroad\",\"ts\":\"yesterday\",\"protocol\":\"imap\",\"port\":143,\"outcome\":\"ok\"}\n");
        var run = Run("import", file, "--db", db);
        Assert.Equal(2, run.ExitCode);
        var error = Assert.Single(run.StderrLines);
        Assert.Contains($"{file}:3: probe record \"ts\" is not an RFC 3339 time: 'yesterday'; nothing imported", error);
        Assert.Equal("", run.Stdout);
        using var store = SensorStore.Open(db);
        Assert.Empty(store.Probes());
    }

    [Fact]
    public void ImportedProbesAreDedupedAndRaiseTheReplaysFinding()
    {
        var dir = TempDir();
        var db = Path.Combine(dir, "s.db");
        var file = Path.Combine(dir, "elsewhere.jsonl");
        var probe = RecentOk("127.0.0.3:143");
        File.WriteAllText(file, Probes.JsonLines(probe, probe) + "{\"type\":\"session\",\"id\":\"x\"}\n\n");

        var first = Run("import", file, "--db", db);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal($"{file}: 1 probe record(s) imported, 1 already stored, 1 other record(s) skipped (1 session)", Assert.Single(first.StdoutLines));
        Assert.Equal($"{file}: 0 probe record(s) imported, 2 already stored, 1 other record(s) skipped (1 session)", Assert.Single(Run("import", file, "--db", db).StdoutLines));

        var replay = Run("replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--json", "--db", db);
        Assert.Equal(0, replay.ExitCode);
        Assert.Contains(replay.StdoutLines, l => l.Contains("\"kind\":\"starttls-stripped\",\"variant\":\"removed\"") && l.Contains($"\"known_from\":\"probe from abroad at {probe.Ts}\""));
        var verdict = Assert.Single(replay.StdoutLines, l => l.StartsWith("{\"type\":\"verdict\""));
        Assert.Contains("\"verdict\":\"interference-on-path\"", verdict);
        Assert.Contains("\"agreeing\":1,\"total\":1", verdict);

        var human = Run("replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--db", db, "--crosscheck-max-age", "1m");
        Assert.Contains("cross-check inconclusive for 1 server(s) with no recent probe from another vantage point: imap 127.0.0.3:143 (probe them", human.Stdout);
        Assert.Equal(2, Run("replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--db", db, "--crosscheck-max-age", "soon").ExitCode);
    }
}
