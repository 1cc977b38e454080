using System.Buffers.Binary;
using System.Text.Json;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Tests.Replay;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>`replay --memory-budget`: what the user sees when the budget is bad, and when it ended flows early.</summary>
public class ReplayMemoryBudgetTests
{
    [Theory]
    [InlineData("0", "sensor: error: --memory-budget takes a whole number from 1 to 1048576, not '0'")]
    [InlineData("4", "sensor: error: --memory-budget: a memory budget of 4 MiB is too small: queues, batches, fragments and evidence take ")]
    public void ABadBudgetIsOneLineAndExitTwo(string budget, string error)
    {
        var run = Run("replay", BundledCapture("smtp-strip-removed.pcap"), "--no-db", "--memory-budget", budget);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(error, Assert.Single(run.StderrLines));
    }

    [Fact]
    public void FlowsEndedAtTheBudget_AreCountedInTheStatsRecord_AndNamedInTheSummary()
    {
        var flood = Path.Combine(TempDir(), "syns.pcap");
        WriteSynFlood(flood, 20_000);
        var json = Run("replay", flood, BundledCapture("smtp-strip-removed.pcap"), "--no-db", "--json", "--memory-budget", "20");
        var human = Run("replay", flood, "--no-db", "--memory-budget", "20");

        Assert.Equal(0, json.ExitCode);
        var records = json.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var stats = records.Single(r => r.GetProperty("type").GetString() == "stats");
        long evicted = stats.GetProperty("drops").GetProperty("flows_evicted").GetInt64();
        Assert.InRange(evicted, 19_000, 19_999);
        Assert.Contains(records, r => r.GetProperty("type").GetString() == "finding" && r.GetProperty("variant").GetString() == "removed");
        Assert.Equal(0, human.ExitCode);
        Assert.Contains($"{evicted:N0} flows were ended early to keep ", human.Stdout + human.Stderr);
        Assert.Contains("inside the 20 MiB memory budget", human.Stdout + human.Stderr);
    }

    /// <summary>SYNs from <paramref name="count"/> clients to one mail server, a microsecond apart, as raw IP frames.</summary>
    private static void WriteSynFlood(string path, int count)
    {
        var start = new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc).Ticks;
        var frame = new SegmentSpec(start, Endpoint.Parse("10.0.0.0:1024"), Endpoint.Parse("198.51.100.25:25"), 1, 0, TcpFlags.Syn, []).ToRawIpFrame();
        using var writer = new EvidencePcapWriter(path, LinkType.Raw);
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), 0x0A000000u + (uint)i);
            writer.Write(start + i * 10L, frame, frame.Length);
        }
    }
}
