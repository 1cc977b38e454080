using System.Buffers.Binary;
using Sensor.Tests.Capture;

namespace Sensor.Tests.Replay;

/// <summary>
/// What captures from span ports and taps look like, made from real captures: every frame twice (once
/// tagged, once not), records out of timestamp order, frames cut by the snap length, one session split
/// over two files. The same sessions and findings must come out. (A capture starting mid-session:
/// <see cref="MidStreamAndTruncationTests"/>.)
/// </summary>
public class SpanPortRealityTests
{
    private static string Path(string file) => System.IO.Path.Combine(Manifest.CapturesDirectory, file);

    // One session with the span-port checksums (every one as sent), one as tcpdump on lo keeps them (offloaded).
    public static TheoryData<string> Captures() => new() { "imap-rst-in-window.pcap", "smtp-auth-plain-cleartext.pcap" };

    private static (List<string> Sessions, List<string> Findings) Baseline(string file)
    {
        var sink = ReplayHarness.RunFiles(Path(file)).Sink;
        return (sink.SessionLines(), sink.FindingLines());
    }

    private static CollectingSink RunWritten(params List<TestFrame>[] files)
    {
        var paths = files.Select(frames =>
        {
            var path = TestCaptureFiles.TempPath(".pcap");
            File.WriteAllBytes(path, TestCaptureFiles.Classic(1, frames));
            return path;
        }).ToArray();
        try
        {
            return ReplayHarness.RunFiles(paths).Sink;
        }
        finally
        {
            foreach (var path in paths)
                File.Delete(path);
        }
    }

    private static void AssertSame(string file, CollectingSink sink)
    {
        var (sessions, findings) = Baseline(file);
        Assert.Equal(sessions, sink.SessionLines());
        Assert.Equal(findings, sink.FindingLines());
        Assert.NotEmpty(findings);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void EveryFrameTwice_OnceTaggedOnceNot(string file)
    {
        var frames = Records(Path(file)).SelectMany(f => new[] { f, f with { Data = Tagged(f.Data) } }).ToList();
        AssertSame(file, RunWritten(frames));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void RecordsOutOfTimestampOrder(string file)
    {
        // Records in the order the wire carried them, timestamps not: every two records' times swapped (as
        // two capture queues or two mirrored ports stamp them), so time runs backwards at every second record.
        var frames = Records(Path(file));
        for (int i = 0; i + 1 < frames.Count; i += 2)
            (frames[i], frames[i + 1]) = (frames[i] with { Ticks = frames[i + 1].Ticks }, frames[i + 1] with { Ticks = frames[i].Ticks });
        AssertSame(file, RunWritten(frames));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void OneSessionSplitOverTwoFiles_GivenTogether_InEitherOrder(string file)
    {
        var frames = Records(Path(file));
        var first = frames[..(frames.Count / 2)];
        var second = frames[(frames.Count / 2)..];
        AssertSame(file, RunWritten(first, second));
        AssertSame(file, RunWritten(second, first));
    }

    [Theory]
    [InlineData("imap-rst-in-window.pcap", "imap-login", "bob")]
    [InlineData("smtp-auth-plain-cleartext.pcap", "smtp-auth-plain", "alice@example.test")]
    public void FramesCutByTheSnapLength_TheCredentialLineStillSeen(string file, string variant, string user)
    {
        // tcpdump -s 160: headers (66 bytes with timestamps) and up to 94 payload bytes of each frame.
        var frames = Records(Path(file)).Select(f => f with { Data = f.Data[..Math.Min(f.Data.Length, 160)], OriginalLength = f.Data.Length }).ToList();
        var sink = RunWritten(frames);
        Assert.Single(sink.Sessions);
        var credential = Assert.Single(sink.Findings, f => f.Kind == "plaintext-credential");
        Assert.Equal((variant, user), (credential.Variant, credential.Evidence["user"]));
    }

    /// <summary>The Ethernet frames of a little-endian classic pcap (what tcpdump -i lo writes), with their times.</summary>
    private static List<TestFrame> Records(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var frames = new List<TestFrame>();
        for (int at = 24; at + 16 <= bytes.Length;)
        {
            long seconds = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            long micros = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8));
            frames.Add(new TestFrame(DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + micros * 10, bytes[(at + 16)..(at + 16 + length)]));
            at += 16 + length;
        }
        return frames;
    }

    /// <summary>The frame with an 802.1Q tag (VLAN 42) after the MAC addresses, as a span port mirrors a trunk.</summary>
    private static byte[] Tagged(byte[] frame) => [.. frame[..12], 0x81, 0x00, 0x00, 42, .. frame[12..]];
}
