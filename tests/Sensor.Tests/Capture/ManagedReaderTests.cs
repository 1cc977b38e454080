using System.Security.Cryptography;
using Sensor.Core.Capture;
using Sensor.Tests.Cli;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Capture;

/// <summary>
/// Where libpcap cannot be loaded the sensor reads capture files itself (ClassicPcapStreamReader, PcapngMixedReader):
/// every bundled real capture must come out frame for frame as libpcap reads it, and a replay without
/// libpcap must print what a replay with it prints.
/// </summary>
public class ManagedReaderTests
{
    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var capture in Manifest.Load().Captures)
            data.Add(capture.File);
        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void EveryBundledCapture_ReadsTheSameWithoutLibpcap(string file)
    {
        var path = Path.Combine(Manifest.CapturesDirectory, file);
        var (libpcap, libpcapNote) = Frames(path, libpcap: true);
        var (managed, managedNote) = Frames(path, libpcap: false);

        Assert.NotEmpty(libpcap);
        Assert.Equal(libpcap, managed);
        Assert.Equal(libpcapNote is null, managedNote is null);
    }

    [Fact]
    public void ClassicPcap_BothByteOrdersAndPrecisions_KeepTicksLengthsAndBytes()
    {
        var frames = new[]
        {
            new TestFrame(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).Ticks + 1234567, [1, 2, 3, 4], 60),
            new TestFrame(new DateTime(2024, 5, 6, 7, 8, 10, DateTimeKind.Utc).Ticks + 10, [5, 6]),
        };
        foreach (var (bigEndian, nanosecond) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var path = TestCaptureFiles.TempPath(".pcap");
            File.WriteAllBytes(path, TestCaptureFiles.Classic(101, frames, bigEndian, nanosecond));
            var (read, note) = Frames(path, libpcap: false);
            long precision = nanosecond ? 1 : 10;
            Assert.Null(note);
            Assert.Equal(
                frames.Select(f => $"{f.Ticks / precision * precision} 101 {f.OriginalLength ?? f.Data.Length} {f.Data.Length} {Hash(f.Data)}"),
                read);
            Assert.Equal(Frames(path, libpcap: true).Frames, read);
            File.Delete(path);
        }
    }

    [Fact]
    public void ClassicPcap_CutInARecord_KeepsTheWholeFramesAndNotesWhereItStopped()
    {
        var whole = RealCaptures.TcpdumpNanoPcap;
        var path = TestCaptureFiles.TempPath(".pcap");
        File.WriteAllBytes(path, whole[..(whole.Length - 5)]);

        var (libpcap, libpcapNote) = Frames(path, libpcap: true);
        var (managed, managedNote) = Frames(path, libpcap: false);

        Assert.Equal(12, managed.Count);
        Assert.Equal(libpcap, managed);
        Assert.Equal(libpcapNote!.ByteOffset, managedNote!.ByteOffset);
        Assert.Equal("record cut short", managedNote.Detail);
        File.Delete(path);
    }

    [Fact]
    public void ClassicPcap_ImpossibleCapturedLength_StopsThereInsteadOfAllocating()
    {
        var bytes = RealCaptures.TcpdumpNanoPcap;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24 + 8), 0x7FFF_FFF0);
        var path = TestCaptureFiles.TempPath(".pcap");
        File.WriteAllBytes(path, bytes);

        var (managed, note) = Frames(path, libpcap: false);

        Assert.Empty(managed);
        Assert.Equal("record captured length 2147483632 larger than 16777216 bytes", note!.Detail);
        File.Delete(path);
    }

    [Fact]
    public void ClassicPcap_HeaderCutShort_IsOneClearError()
    {
        var path = TestCaptureFiles.TempPath(".pcap");
        File.WriteAllBytes(path, RealCaptures.TcpdumpNanoPcap[..20]);

        var error = Assert.Throws<CaptureException>(() => CaptureFileSource.Open(path, 0, libpcap: false));

        Assert.Equal(CaptureErrorKind.NotACaptureFile, error.Kind);
        Assert.Equal($"not a capture: {path} ends inside the pcap file header", error.Message);
        File.Delete(path);
    }

    /// <summary>
    /// The real `sensor replay` with libpcap made unloadable (an empty file mounted over it in a private
    /// mount namespace: root, as the live tests are) prints the same JSON as with libpcap.
    /// </summary>
    [Fact, Trait(TestCategories.Name, TestCategories.Integration)] // root: a private mount namespace
    public void Replay_WithoutLibpcap_PrintsWhatItPrintsWithIt()
    {
        var captures = new[] { "smtp-two-interfaces.pcapng", "smtp-auth-plain-cleartext.pcapng", "imap-strip-mangled.pcap" }
            .Select(SensorProcess.BundledCapture).ToArray();
        var with = SensorProcess.Run(["replay", "--json", "--no-db", .. captures]);
        var hide = "for f in $(ldconfig -p | awk '/libpcap\\.so/ {print $NF}'); do mount --bind /dev/null \"$(readlink -f \"$f\")\"; done; exec \"$@\"";
        var without = SensorProcess.RunProgram("unshare", ["-m", "sh", "-c", hide, "sh", "dotnet", SensorProcess.DllPath, "replay", "--json", "--no-db", .. captures]);

        Assert.Equal(0, with.ExitCode);
        Assert.True(without.ExitCode == 0, without.Stderr);
        Assert.Contains("\"type\":\"finding\"", with.Stdout);
        Assert.Equal(SensorProcess.WithoutFingerprints(with.Stdout), SensorProcess.WithoutFingerprints(without.Stdout));
        var live = SensorProcess.RunProgram("unshare", ["-m", "sh", "-c", hide, "sh", "dotnet", SensorProcess.DllPath, "live", "-i", "lo", "--no-db"]);
        Assert.Equal(2, live.ExitCode);
    }

    private static (List<string> Frames, TruncationNote? Note) Frames(string path, bool libpcap)
    {
        using var source = CaptureFileSource.Open(path, 0, libpcap);
        var frames = new List<string>();
        while (source.TryRead(out var frame, out _))
            frames.Add($"{frame.Ticks} {LinkTypeOnFile(source.CurrentLinkType)} {frame.OriginalLength} {frame.Data.Length} {Hash(frame.Data)}");
        return (frames, source.Truncation);
    }

    /// <summary>libpcap reports LINKTYPE_RAW (101) of a file as its DLT_RAW (12 on Linux); the decoder takes both.</summary>
    private static int LinkTypeOnFile(int linkType) => linkType == 12 ? 101 : linkType;

    private static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data))[..16];
}
