using System.Text.Json;
using Sensor.Core.Output;
using Sensor.Tests.Cli;

namespace Sensor.Tests.Service;

/// <summary>The rotating JSON Lines file on a real file system: bounded files, whole lines, nothing lost, logrotate's reopen.</summary>
public class RotatingFileStreamTests
{
    /// <summary>A clock the test moves by hand (the time-based rotation reads it).</summary>
    private sealed class HandClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static void WriteSessions(Stream stream, int from, int count)
    {
        using var writer = new JsonLinesWriter(stream, flushEachLine: true);
        for (int i = from; i < from + count; i++)
            writer.Write(new SessionRecord { Id = i.ToString(), Protocol = "smtp", Banner = new string('b', i % 7 * 40) });
    }

    private static int[] Ids(string path) =>
        File.ReadAllLines(path).Select(l => int.Parse(JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!)).ToArray();

    [Fact]
    public void BySize_KeepsTheNewestFilesEachUnderTheCap_WithWholeLinesInOrder()
    {
        var path = Path.Combine(SensorProcess.TempDir(), "events.jsonl");
        using (var stream = new RotatingFileStream(path, new RotationPolicy(MaxBytes: 4000, Interval: null, Keep: 3)))
        {
            WriteSessions(stream, 0, 200);
            Assert.True(stream.Rotations > 3, $"only {stream.Rotations} rotations");
        }

        var files = Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(["events.jsonl", "events.jsonl.1", "events.jsonl.2", "events.jsonl.3"], files);
        var kept = new[] { ".3", ".2", ".1", "" }.Select(suffix => path + suffix).ToArray();
        Assert.All(kept, file => Assert.InRange(new FileInfo(file).Length, 1, 4000));
        // Oldest to newest, the kept lines are the last ones written, none missing or split.
        var ids = kept.SelectMany(Ids).ToArray();
        Assert.Equal(Enumerable.Range(200 - ids.Length, ids.Length), ids);
    }

    [Fact]
    public void ByTime_RotatesAtTheFirstWriteAfterEachBoundary()
    {
        var path = Path.Combine(SensorProcess.TempDir(), "events.jsonl");
        var clock = new HandClock(new DateTimeOffset(2026, 11, 29, 10, 59, 58, TimeSpan.Zero));
        using (var stream = new RotatingFileStream(path, new RotationPolicy(0, TimeSpan.FromHours(1), Keep: 5), clock))
        {
            WriteSessions(stream, 0, 2);
            clock.Now = clock.Now.AddSeconds(3); // 11:00:01
            WriteSessions(stream, 2, 2);
            clock.Now = clock.Now.AddMinutes(30); // 11:30:01, same hour
            WriteSessions(stream, 4, 1);
            Assert.Equal(1, stream.Rotations);
        }
        Assert.Equal([0, 1], Ids(path + ".1"));
        Assert.Equal([2, 3, 4], Ids(path));
        Assert.False(File.Exists(path + ".2"));
    }

    [Theory]
    [InlineData("10:59:59", 60, "11:00:00")]
    [InlineData("11:00:00", 60, "12:00:00")]
    [InlineData("11:07:00", 15, "11:15:00")]
    [InlineData("23:30:00", 60 * 24, "00:00:00")]
    public void NextBoundary_IsTheNextMultipleOfTheIntervalSinceMidnightUtc(string now, int minutes, string expected)
    {
        var day = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        var boundary = new RotationPolicy(0, TimeSpan.FromMinutes(minutes), 1).NextBoundary(day + TimeSpan.Parse(now));
        Assert.Equal(TimeSpan.Parse(expected), boundary.TimeOfDay);
        Assert.True(boundary > day + TimeSpan.Parse(now));
    }

    [Fact]
    public void Reopen_AfterLogrotateMovedTheFile_WritesANewFileAtThePath()
    {
        var path = Path.Combine(SensorProcess.TempDir(), "events.jsonl");
        using var stream = new RotatingFileStream(path, RotationPolicy.Never);
        using var writer = new JsonLinesWriter(stream, flushEachLine: true);
        writer.Write(new SessionRecord { Id = "0" });
        File.Move(path, path + ".old");
        writer.Write(new SessionRecord { Id = "1" }); // still into the moved file, as with any open file
        stream.Reopen();
        writer.Write(new SessionRecord { Id = "2" });

        Assert.Equal([0, 1], Ids(path + ".old"));
        Assert.Equal([2], Ids(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public void KeepBelowOne_IsRefused()
    {
        var path = Path.Combine(SensorProcess.TempDir(), "events.jsonl");
        Assert.Throws<ArgumentException>(() => new RotatingFileStream(path, new RotationPolicy(1000, null, 0)));
    }
}
