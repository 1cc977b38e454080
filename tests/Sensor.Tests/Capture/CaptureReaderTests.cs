using System.Text;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using static Sensor.Tests.Capture.TestCaptureFiles;

namespace Sensor.Tests.Capture;

public class CaptureReaderTests
{
    private static readonly long T0 = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc).Ticks;
    // 1795953918.266442629 s: the first frame of RealCaptures, to 100 ns.
    private static readonly long RealFirstTicks = DateTime.UnixEpoch.Ticks + 1795953918L * TimeSpan.TicksPerSecond + 2664426;

    private static TestFrame[] ThreeFrames(long tickStep = 10) =>
    [
        new(T0, [1, 2, 3, 4]),
        new(T0 + tickStep, [5, 6, 7], OriginalLength: 1500),
        new(T0 + 2 * tickStep, [8, 9]),
    ];

    private static (CaptureResult Result, List<SeenPacket> Packets) Read(params string[] paths)
    {
        var handler = new RecordingHandler();
        var result = new CaptureReader(paths).Read(handler);
        return (result, handler.Packets);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ClassicPcap_BothByteOrdersAndPrecisions(bool bigEndian, bool nanosecond)
    {
        // 100 ns steps survive a nanosecond file; a microsecond file keeps whole microseconds.
        var frames = ThreeFrames(tickStep: nanosecond ? 1 : 10);
        using var file = new TempFile(Classic(LinkType.Ethernet, frames, bigEndian, nanosecond));
        var (result, packets) = Read(file.Path);
        Assert.Equal(frames.Select(f => f.Ticks), packets.Select(p => p.Ticks));
        Assert.Equal(frames.Select(f => f.Data), packets.Select(p => p.Data));
        Assert.Equal([4, 1500, 2], packets.Select(p => p.OriginalLength));
        Assert.All(packets, p => Assert.Equal(LinkType.Ethernet, p.LinkType));
        Assert.Equal(3, result.Packets);
        Assert.Equal(9, result.Bytes);
        Assert.Empty(result.Truncations);
    }

    [Fact]
    public void RealTcpdumpNanosecondPcap_AndItsPcapngConversion_ReadTheSame()
    {
        using var pcap = new TempFile(RealCaptures.TcpdumpNanoPcap);
        using var pcapng = new TempFile(RealCaptures.EditcapPcapng, ".pcapng");
        var (_, fromPcap) = Read(pcap.Path);
        var (_, fromPcapng) = Read(pcapng.Path);
        Assert.Equal(13, fromPcap.Count);
        Assert.Equal(RealFirstTicks, fromPcap[0].Ticks);
        Assert.Equal(fromPcap.Select(p => (p.Ticks, p.LinkType, p.OriginalLength)), fromPcapng.Select(p => (p.Ticks, p.LinkType, p.OriginalLength)));
        Assert.Equal(fromPcap.Select(p => p.Data), fromPcapng.Select(p => p.Data));
        var banner = fromPcap.Select(p => PacketDecoder.DecodeFrame(p.LinkType, p.Ticks, p.Data, out var s) == DecodeResult.Tcp ? Encoding.ASCII.GetString(s.Payload) : "")
            .First(text => text.Length > 0);
        Assert.Equal("220 test ESMTP\r\n", banner);
    }

    [Fact]
    public void RealTcpdumpPcap_ByteSwapped_ReadsTheSame()
    {
        var original = RealCaptures.TcpdumpNanoPcap;
        var swapped = ByteSwapped(original);
        Assert.NotEqual(original[..4], swapped[..4]);
        using var a = new TempFile(original);
        using var b = new TempFile(swapped);
        var (_, fromOriginal) = Read(a.Path);
        var (result, fromSwapped) = Read(b.Path);
        Assert.Equal(13, fromSwapped.Count);
        Assert.Equal(fromOriginal.Select(p => (p.Ticks, p.OriginalLength)), fromSwapped.Select(p => (p.Ticks, p.OriginalLength)));
        Assert.Equal(fromOriginal.Select(p => p.Data), fromSwapped.Select(p => p.Data));
        Assert.Empty(result.Truncations);
    }

    [Fact]
    public void MinimalPcapng_Reads()
    {
        var frames = ThreeFrames();
        using var file = new TempFile(Pcapng(LinkType.LinuxSll2, frames), ".pcapng");
        var (result, packets) = Read(file.Path);
        Assert.Equal(frames.Select(f => (f.Ticks, f.Data)), packets.Select(p => (p.Ticks, p.Data)));
        Assert.All(packets, p => Assert.Equal(LinkType.LinuxSll2, p.LinkType));
        Assert.Empty(result.Truncations);
    }

    [Fact]
    public void SeveralFiles_MergedInTimestampOrder_TiesToTheEarlierFile()
    {
        using var a = new TempFile(Classic(LinkType.Ethernet, [new(T0 + 10, [0xA1]), new(T0 + 30, [0xA3]), new(T0 + 50, [0xA5])]));
        using var b = new TempFile(Pcapng(LinkType.Raw, [new(T0 + 20, [0xB2]), new(T0 + 30, [0xB3]), new(T0 + 60, [0xB6])]), ".pcapng");
        using var c = new TempFile(Classic(LinkType.LinuxSll, [new(T0, [0xC0])], bigEndian: true, nanosecond: true));
        var (result, packets) = Read(a.Path, b.Path, c.Path);
        Assert.Equal([0xC0, 0xA1, 0xB2, 0xA3, 0xB3, 0xA5, 0xB6], packets.Select(p => p.Data[0]));
        Assert.Equal([2, 0, 1, 0, 1, 0, 1], packets.Select(p => p.FileIndex));
        Assert.Equal(LinkType.LinuxSll, packets[0].LinkType);
        Assert.Equal(7, result.Packets);
        Assert.Equal(3, result.Files.Count);
    }

    [Fact]
    public void Progress_ReachesTheTotalSizeAtTheEnd()
    {
        using var a = new TempFile(Classic(LinkType.Ethernet, ThreeFrames()));
        using var b = new TempFile(Pcapng(LinkType.Ethernet, ThreeFrames()), ".pcapng");
        var reader = new CaptureReader([a.Path, b.Path]);
        long seenMidway = -1;
        var handler = new ProbeHandler(() => seenMidway = reader.Progress.BytesRead);
        reader.Read(handler);
        long total = new FileInfo(a.Path).Length + new FileInfo(b.Path).Length;
        Assert.Equal(total, reader.Progress.TotalBytes);
        Assert.Equal(total, reader.Progress.BytesRead);
        Assert.InRange(seenMidway, 1, total - 1);
        Assert.Equal(1.0, reader.Progress.Fraction);
    }

    [Fact]
    public void Cancellation_StopsAndSaysSo()
    {
        using var file = new TempFile(Classic(LinkType.Ethernet, ThreeFrames()));
        using var cts = new CancellationTokenSource();
        var handler = new ProbeHandler(cts.Cancel);
        var result = new CaptureReader([file.Path]).Read(handler, cts.Token);
        Assert.True(result.Cancelled);
        Assert.Equal(1, handler.Count);
    }

    private sealed class ProbeHandler(Action onFirst) : IPacketHandler
    {
        public int Count { get; private set; }

        public void OnPacket(in RawPacket packet)
        {
            if (Count++ == 0)
                onFirst();
        }
    }
    [Fact]
    public void PcapngWithTwoLinkTypes_IsReadPastWhereLibpcapStops_EachFrameWithItsInterfacesLinkType()
    {
        // libpcap refuses the file at the second interface ("an interface has a type 101 different from the type of the first interface").
        long t0 = new DateTime(2026, 11, 29, 17, 0, 0, DateTimeKind.Utc).Ticks;
        (int, TestFrame)[] frames =
        [
            (0, new TestFrame(t0, Enumerable.Repeat((byte)1, 54).ToArray())),
            (1, new TestFrame(t0 + 123, Enumerable.Repeat((byte)2, 41).ToArray(), 1500)),
            (0, new TestFrame(t0 + 250, Enumerable.Repeat((byte)3, 60).ToArray())),
        ];
        using var file = new TempFile(TestCaptureFiles.PcapngTwoLinkTypes(1, 101, frames), ".pcapng");

        var (result, packets) = Read(file.Path);

        Assert.Empty(result.Truncations);
        Assert.Equal([(t0, 1, 54, 54), (t0 + 123, 101, 41, 1500), (t0 + 250, 1, 60, 60)],
            packets.Select(p => (p.Ticks, p.LinkType, p.Data.Length, p.OriginalLength)));
        Assert.Equal((byte)2, packets[1].Data[0]);
    }

    [Fact]
    public void PcapngWithTwoLinkTypes_CutInItsLastBlock_KeepsTheWholeFramesAndSaysWhereItStops()
    {
        long t0 = new DateTime(2026, 11, 29, 17, 0, 0, DateTimeKind.Utc).Ticks;
        var bytes = TestCaptureFiles.PcapngTwoLinkTypes(1, 113, [(1, new TestFrame(t0, new byte[40])), (0, new TestFrame(t0 + 10, new byte[50]))]);
        using var file = new TempFile(bytes[..^20], ".pcapng");

        var (result, packets) = Read(file.Path);

        Assert.Equal([113], packets.Select(p => p.LinkType));
        var truncation = Assert.Single(result.Truncations);
        Assert.Equal(1, truncation.PacketsRead);
    }

    /// <summary>Frames of every size from 1 to 1,600 bytes, about three stdio buffers of them: records straddle each refill.</summary>
    private static TestFrame[] FramesPastTheStdioBuffer()
    {
        var frames = new List<TestFrame>();
        for (int total = 0, i = 0; total < 3 * StdioCaptureFile.BufferBytes; i++)
        {
            int length = 1 + i * 37 % 1600;
            frames.Add(new TestFrame(T0 + 10L * i, Enumerable.Range(i, length).Select(b => (byte)b).ToArray()));
            total += 16 + length;
        }
        return [.. frames];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FilesLargerThanTheStdioBuffer_ReadWhole(bool pcapng)
    {
        var frames = FramesPastTheStdioBuffer();
        using var file = pcapng ? new TempFile(Pcapng(LinkType.Ethernet, frames), ".pcapng") : new TempFile(Classic(LinkType.Ethernet, frames));
        var (result, packets) = Read(file.Path);
        Assert.Equal(frames.Length, packets.Count);
        Assert.Equal(frames.Select(f => f.Ticks), packets.Select(p => p.Ticks));
        Assert.Equal(frames.Select(f => f.Data), packets.Select(p => p.Data));
        Assert.Empty(result.Truncations);
    }

    [Fact]
    public void TruncationPastTheFirstStdioBuffer_KeepsTheExactOffset()
    {
        var frames = FramesPastTheStdioBuffer();
        var whole = Classic(LinkType.Ethernet, frames);
        int keep = frames.Length - 3;
        long cut = 24 + frames.Take(keep).Sum(f => 16L + f.Data.Length);
        using var file = new TempFile(whole[..(int)(cut + 7)]);
        var (result, packets) = Read(file.Path);
        Assert.Equal(keep, packets.Count);
        var note = Assert.Single(result.Truncations);
        Assert.Equal(cut, note.ByteOffset);
        Assert.Equal(keep, note.PacketsRead);
    }
}
