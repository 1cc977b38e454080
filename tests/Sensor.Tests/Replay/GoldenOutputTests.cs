namespace Sensor.Tests.Replay;

/// <summary>
/// Every capture's whole JSON Lines output against captures/expected/FILE.jsonl, exactly
/// (<see cref="GoldenOutput"/> says what is normalised). Regenerate on purpose with
/// scripts/regenerate-golden.sh (SENSOR_REGENERATE_GOLDEN=1) and review the diff.
/// </summary>
public class GoldenOutputTests
{
    [Theory]
    [MemberData(nameof(ManifestReplayTests.CaptureFiles), MemberType = typeof(ManifestReplayTests))]
    public void WholeOutputIsTheGoldenOne(string file)
    {
        var (sink, _) = ReplayHarness.RunFiles(Path.Combine(Manifest.CapturesDirectory, file));
        var actual = GoldenOutput.Of(sink);
        var path = GoldenOutput.ExpectedPath(file);
        if (GoldenOutput.Regenerating)
        {
            Directory.CreateDirectory(GoldenOutput.ExpectedDirectory);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/regenerate-golden.sh");
        Assert.Equal(File.ReadAllText(path).Split('\n'), actual.Split('\n'));
    }

    [Fact]
    public void EveryGoldenFileBelongsToACapture()
    {
        var captures = Manifest.Load().Captures.Select(c => c.File + ".jsonl").ToHashSet();
        foreach (var golden in Directory.EnumerateFiles(GoldenOutput.ExpectedDirectory))
            Assert.Contains(Path.GetFileName(golden), captures);
    }

    [Fact]
    public void GoldenOutputIsTheSameRunAfterRun()
    {
        var file = Path.Combine(Manifest.CapturesDirectory, "imap-server-side-not-shown.pcap");
        Assert.Equal(GoldenOutput.Of(ReplayHarness.RunFiles(file).Sink), GoldenOutput.Of(ReplayHarness.RunFiles(file).Sink));
    }
}
