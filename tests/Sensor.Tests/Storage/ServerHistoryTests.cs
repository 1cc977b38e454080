using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Core.Storage;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Storage;

/// <summary>What the store learns in one run decides the next: an offer seen before makes a missing one "removed".</summary>
public class ServerHistoryTests
{
    /// <summary>One run into the store, as a replay makes it: its run record first, every record naming it.</summary>
    public static CollectingSink RunWithStore(string db, IEnumerable<SegmentSpec> segments, bool showSecrets = false) => RunWithStore(db, segments, out _, showSecrets);

    public static CollectingSink RunWithStore(string db, IEnumerable<SegmentSpec> segments, out string runId, bool showSecrets = false, bool keepSessions = true)
    {
        using var store = SensorStore.Open(db);
        var run = RunRecords.ForReplay("test-sensor", ["segments"]);
        store.StartRun(run);
        runId = run.Id;
        var sink = new CollectingSink();
        var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, store,
            new RecordMapper(new SecretRedactor(showSecrets, new byte[32]), run.Id), [sink, new StoreSink(store, keepSessions)]);
        foreach (var s in segments)
            pipeline.OnFrame(Sensor.Core.Decoding.LinkType.Raw, s.Ticks, s.ToRawIpFrame());
        pipeline.Complete();
        store.FinishRun(run);
        return sink;
    }

    /// <summary>imap-strip-removed holds a clean session, then a stripped one, to the same server: split them into two runs.</summary>
    private static (List<SegmentSpec> Clean, List<SegmentSpec> Stripped) SplitSessions()
    {
        var segments = ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "imap-strip-removed.pcap"));
        var clients = segments.Select(s => s.Source.Port == 143 ? s.Destination : s.Source).Distinct().ToList();
        Assert.Equal(2, clients.Count);
        bool Of(SegmentSpec s, int i) => s.Source == clients[i] || s.Destination == clients[i];
        return (segments.Where(s => Of(s, 0)).ToList(), segments.Where(s => Of(s, 1)).ToList());
    }

    [Fact]
    public void AnOfferSeenInAnEarlierRunMakesTheStrippedSessionRemoved()
    {
        var db = Path.Combine(Path.GetTempPath(), $"sensor-history-{Guid.NewGuid():N}.db");
        var (clean, stripped) = SplitSessions();
        Assert.Empty(RunWithStore(db, clean, out var firstRun).Findings);
        var second = RunWithStore(db, stripped, out var secondRun);
        Assert.NotEqual(firstRun, secondRun);
        var removed = Assert.Single(second.Findings, f => f.Kind == "starttls-stripped");
        Assert.Equal("removed", removed.Variant);
        Assert.Equal($"offered in run {firstRun} (store)", removed.Evidence["known_from"]);
        Assert.Equal(secondRun, removed.Run);
        using var store = SensorStore.Open(db);
        Assert.Equal(firstRun, store.Server("imap|ep|127.0.0.2:143")!.OfferedRun);
        Assert.True(store.Server("imap|ep|127.0.0.2:143")!.StarttlsOffered);
        Assert.Equal(2, store.Server("imap|ep|127.0.0.2:143")!.Sessions);
        Assert.Contains(store.Findings(), f => f.Variant == "removed");
    }

    [Fact]
    public void WithoutHistoryTheSameSessionIsOnlyAbsent()
    {
        var db = Path.Combine(Path.GetTempPath(), $"sensor-history-{Guid.NewGuid():N}.db");
        var (_, stripped) = SplitSessions();
        var run = RunWithStore(db, stripped);
        Assert.Single(run.Findings, f => f.Kind == "starttls-absent");
        Assert.DoesNotContain(run.Findings, f => f.Kind == "starttls-stripped");
    }

    [Fact]
    public void ReplayingTwiceUpdatesRatherThanDuplicates()
    {
        var db = Path.Combine(Path.GetTempPath(), $"sensor-history-{Guid.NewGuid():N}.db");
        var segments = ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "smtp-auth-plain-cleartext.pcap"));
        RunWithStore(db, segments);
        RunWithStore(db, segments);
        using var store = SensorStore.Open(db);
        Assert.Single(store.Sessions());
        Assert.Equal(2, store.Findings().Count());
    }

    [Fact]
    public void ByDefaultTheStoreKeepsFindingsAndServerHistoryButNoSessionRecord()
    {
        var db = Path.Combine(Path.GetTempPath(), $"sensor-history-{Guid.NewGuid():N}.db");
        var (clean, stripped) = SplitSessions();
        RunWithStore(db, clean, out var firstRun, keepSessions: false);
        var second = RunWithStore(db, stripped, out _, keepSessions: false);
        Assert.Equal("removed", Assert.Single(second.Findings, f => f.Kind == "starttls-stripped").Variant);
        using var store = SensorStore.Open(db);
        Assert.Empty(store.Sessions());
        Assert.Equal(firstRun, store.Server("imap|ep|127.0.0.2:143")!.OfferedRun);
        Assert.Equal(2, store.Server("imap|ep|127.0.0.2:143")!.Sessions);
        Assert.Single(store.Findings(), f => f.Variant == "removed");
    }
}
