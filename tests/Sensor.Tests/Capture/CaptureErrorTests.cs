using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using static Sensor.Tests.Capture.TestCaptureFiles;

namespace Sensor.Tests.Capture;

public class CaptureErrorTests
{
    private static readonly long T0 = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly TestFrame[] Frames = [new(T0, new byte[40]), new(T0 + 10, new byte[50]), new(T0 + 20, new byte[60])];

    private static CaptureException ReadExpectingError(RecordingHandler handler, params string[] paths) =>
        Assert.Throws<CaptureException>(() => new CaptureReader(paths).Read(handler));

    [Fact]
    public void MissingFile_IsOneClearError()
    {
        var path = TempPath(".pcap");
        var e = ReadExpectingError(new RecordingHandler(), path);
        Assert.Equal(CaptureErrorKind.MissingFile, e.Kind);
        Assert.Equal($"capture file not found: {path}", e.Message);
    }

    [Theory]
    [InlineData("From: a@b.example\r\nSubject: not a capture\r\n")]
    [InlineData("")]
    [InlineData("\xD4")]
    public void NotACaptureFile_IsOneClearError(string contents)
    {
        using var file = new TempFile(System.Text.Encoding.Latin1.GetBytes(contents));
        var e = ReadExpectingError(new RecordingHandler(), file.Path);
        Assert.Equal(CaptureErrorKind.NotACaptureFile, e.Kind);
        Assert.Contains(file.Path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void UnsupportedLinkType_NamesItAndTheSupportedOnes()
    {
        using var file = new TempFile(Classic(105, Frames));   // IEEE 802.11
        var e = ReadExpectingError(new RecordingHandler(), file.Path);
        Assert.Equal(CaptureErrorKind.UnsupportedLinkType, e.Kind);
        Assert.StartsWith($"unsupported link type 105 in {file.Path}; supported: Ethernet (1)", e.Message);
    }

    [Fact]
    public void Directory_IsUnreadable()
    {
        var e = ReadExpectingError(new RecordingHandler(), Path.GetTempPath());
        Assert.Equal(CaptureErrorKind.Unreadable, e.Kind);
    }

    [Fact]
    public void OneBadFileAmongSeveral_FailsBeforeAnyPacketIsDelivered()
    {
        using var good = new TempFile(Classic(LinkType.Ethernet, Frames));
        var handler = new RecordingHandler();
        var e = ReadExpectingError(handler, good.Path, TempPath(".pcap"));
        Assert.Equal(CaptureErrorKind.MissingFile, e.Kind);
        Assert.Empty(handler.Packets);
    }

    [Theory]
    [InlineData(10)]   // inside the third record's header
    [InlineData(16 + 30)]   // inside the third record's data
    public void TruncatedClassicPcap_DeliversWhatIsWhole_AndReportsTheExactOffset(int intoThirdRecord)
    {
        var whole = Classic(LinkType.Ethernet, Frames, bigEndian: true, nanosecond: true);
        long thirdRecord = 24 + (16 + 40) + (16 + 50);
        using var file = new TempFile(whole[..(int)(thirdRecord + intoThirdRecord)]);
        var handler = new RecordingHandler();
        var result = new CaptureReader([file.Path]).Read(handler);
        Assert.Equal([40, 50], handler.Packets.Select(p => p.Data.Length));
        var note = Assert.Single(result.Truncations);
        Assert.Equal(thirdRecord, note.ByteOffset);
        Assert.True(note.OffsetIsExact);
        Assert.Equal(2, note.PacketsRead);
        Assert.StartsWith($"{file.Path}: truncated at byte {thirdRecord} after 2 packets (truncated dump file", note.Message);
    }

    [Fact]
    public void TruncatedPcapng_ReportsWhereTheIncompleteBlockStarts()
    {
        var whole = Pcapng(LinkType.Ethernet, Frames);
        // SHB 28 + IDB 20 + EPB(40) 72 + EPB(50) 84 = where the third packet's block starts.
        long thirdBlock = 28 + 20 + 72 + 84;
        using var file = new TempFile(whole[..(int)(thirdBlock + 20)], ".pcapng");
        var handler = new RecordingHandler();
        var result = new CaptureReader([file.Path]).Read(handler);
        Assert.Equal(2, handler.Packets.Count);
        var note = Assert.Single(result.Truncations);
        Assert.Equal(thirdBlock, note.ByteOffset);
        Assert.True(note.OffsetIsExact);
    }

    [Fact]
    public void TruncatedFileInAMerge_OtherFilesStillComplete()
    {
        using var whole = new TempFile(Classic(LinkType.Ethernet, [new(T0 + 5, [1]), new(T0 + 25, [2])]));
        using var cut = new TempFile(Classic(LinkType.Ethernet, Frames)[..(24 + 56 + 20)]);
        var handler = new RecordingHandler();
        var result = new CaptureReader([whole.Path, cut.Path]).Read(handler);
        Assert.Equal(3, handler.Packets.Count);
        Assert.Equal(cut.Path, Assert.Single(result.Truncations).Path);
        Assert.Equal(24 + 56, result.Truncations[0].ByteOffset);
    }
}

public class CaptureEdgeTests
{
    [Fact]
    public void FileHeaderCut_IsOneClearUnreadableError()
    {
        using var file = new TempFile(TestCaptureFiles.Classic(LinkType.Ethernet, [])[..10]);
        var e = Assert.Throws<CaptureException>(() => new CaptureReader([file.Path]).Read(new RecordingHandler()));
        Assert.Equal(CaptureErrorKind.Unreadable, e.Kind);
        Assert.StartsWith($"cannot read {file.Path}: truncated dump file", e.Message);
    }

    [Fact]
    public void ReadingTwice_StartsProgressAgain()
    {
        using var file = new TempFile(TestCaptureFiles.Classic(LinkType.Ethernet, [new(DateTime.UnixEpoch.Ticks, [1, 2])]));
        var reader = new CaptureReader([file.Path]);
        reader.Read(new RecordingHandler());
        var second = reader.Read(new RecordingHandler());
        Assert.Equal(1, second.Packets);
        Assert.Equal(new FileInfo(file.Path).Length, reader.Progress.BytesRead);
    }
}
