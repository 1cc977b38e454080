namespace Sensor.Tests.Replay;

/// <summary>
/// The real captures re-cut every way an evader or a lossy path would: the same sessions and
/// findings must come out (or, for conflicting overlaps, the same plus the named anomaly). These act
/// on TCP segments; captures of IP fragments are cut at the IP layer in FragmentReplayTests.
/// </summary>
public class AdversarialReplayTests
{
    public static TheoryData<string> MailCaptures()
    {
        var data = new TheoryData<string>();
        // Not the captures with forged segments: their meaning is in single segments (which copy of a reply came
        // first, which checksum was bad), and re-cutting them, which writes checksums anew, changes it. Not the
        // two-customer captures: the mutations write each segment back as a raw IP frame, without the VLAN or
        // VNI that keeps the customers' identical connections apart.
        foreach (var capture in Manifest.Load().Captures.Where(c => !c.Truncated && c.Sessions.Count > 0 && c.File.EndsWith(".pcap") && !c.File.Contains("large")
                     && !c.MadeBy.Contains("forge_segments.py") && !c.File.Contains("two-customers")
                     && !ReplayHarness.HasIpFragments(Path.Combine(Manifest.CapturesDirectory, c.File))))
            data.Add(capture.File);
        return data;
    }

    private static (List<string> Sessions, List<string> Findings) Baseline(string file)
    {
        var (sink, _) = ReplayHarness.RunFiles(Path.Combine(Manifest.CapturesDirectory, file));
        return (sink.SessionLines(), sink.FindingLines());
    }

    private static void AssertSame(string file, Func<List<SegmentSpec>, List<SegmentSpec>> mutate)
    {
        var (sessions, findings) = Baseline(file);
        var sink = ReplayHarness.RunSegments(mutate(ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, file))));
        Assert.Equal(sessions, sink.SessionLines());
        Assert.Equal(findings, sink.FindingLines());
    }

    [Theory]
    [MemberData(nameof(MailCaptures))]
    public void ResplitIntoTinySegments(string file) => AssertSame(file, s => CaptureMutations.Resplit(s));

    [Theory]
    [MemberData(nameof(MailCaptures))]
    public void Reordered(string file) => AssertSame(file, CaptureMutations.Reorder);

    [Theory]
    [MemberData(nameof(MailCaptures))]
    public void Duplicated(string file) => AssertSame(file, CaptureMutations.Duplicate);

    [Theory]
    [MemberData(nameof(MailCaptures))]
    public void OverlappedWithIdenticalBytes(string file) => AssertSame(file, s => CaptureMutations.Overlap(s, conflicting: false));

    [Theory]
    [MemberData(nameof(MailCaptures))]
    public void SynMissing(string file) => AssertSame(file, CaptureMutations.DropSyn);

    [Theory]
    [MemberData(nameof(MailCaptures))]
    public void OverlappedWithConflictingBytesKeepsFirstAndSaysSo(string file)
    {
        var (sessions, findings) = Baseline(file);
        var sink = ReplayHarness.RunSegments(CaptureMutations.Overlap(ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, file)), conflicting: true));
        Assert.Equal(sessions, sink.SessionLines());
        Assert.Equal(findings, sink.FindingLines());
        Assert.Contains(sink.Sessions, s => s.Anomalies.Any(a => a.StartsWith("overlap-conflict", StringComparison.Ordinal)));
    }
}
