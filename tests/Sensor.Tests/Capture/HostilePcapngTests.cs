using System.Buffers.Binary;
using Sensor.Core.Capture;
using Sensor.Tests.Cli;
using static Sensor.Tests.Capture.TestCaptureFiles;

namespace Sensor.Tests.Capture;

/// <summary>
/// pcapng files with two link types (read past libpcap by the sensor's own block reader) whose packet
/// blocks name lengths and interfaces the file does not hold: each is malformed at an exact offset,
/// the frames before it are delivered, and the command says so in one line with exit 2.
/// </summary>
public class HostilePcapngTests
{
    private static readonly long T0 = new DateTime(2026, 11, 29, 17, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>Two good frames (one per interface), then the block a test spoils.</summary>
    private static byte[] ThreeFrames() => PcapngTwoLinkTypes(1, 101,
    [
        (0, new TestFrame(T0, Enumerable.Repeat((byte)1, 54).ToArray())),
        (1, new TestFrame(T0 + 100, Enumerable.Repeat((byte)2, 41).ToArray())),
        (0, new TestFrame(T0 + 200, Enumerable.Repeat((byte)3, 60).ToArray())),
    ]);

    /// <summary>Offset of the n-th Enhanced Packet Block (type 6), by a walk of the block lengths.</summary>
    private static int PacketBlock(byte[] file, int n)
    {
        for (int offset = 0, seen = 0; ; offset += (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 4)))
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset)) == 6 && seen++ == n)
                return offset;
        }
    }

    // EPB body (after type and length): interface id at 8, captured length at 20, original length at 24.
    public static TheoryData<string, int, uint, string> Spoiled => new()
    {
        { "interface id 2^31", 8, 0x8000_0000, "packet block for interface 2147483648, but 2 interfaces are described" },
        { "interface id 2^32-1", 8, uint.MaxValue, "packet block for interface 4294967295, but 2 interfaces are described" },
        { "captured length near int.MaxValue", 20, int.MaxValue - 8, "packet block captured length 2147483639 larger than its block" },
        { "captured length past int.MaxValue", 20, 0xFFFF_FFF0, "packet block captured length 4294967280 larger than its block" },
    };

    [Theory]
    [MemberData(nameof(Spoiled))]
    public void ABlockNamingWhatTheFileDoesNotHold_IsMalformedThereAndTheFramesBeforeItAreKept(string what, int field, uint value, string detail)
    {
        var bytes = ThreeFrames();
        int spoiled = PacketBlock(bytes, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(spoiled + field), value);
        using var file = new TempFile(bytes, ".pcapng");

        var handler = new RecordingHandler();
        var result = new CaptureReader([file.Path]).Read(handler);

        Assert.Equal([1, 101], handler.Packets.Select(p => p.LinkType));
        var note = Assert.Single(result.Truncations);
        Assert.True(note.Malformed, what);
        Assert.Equal(spoiled, note.ByteOffset);
        Assert.True(note.OffsetIsExact);
        Assert.Equal(2, note.PacketsRead);
        Assert.Equal(detail, note.Detail);
    }

    [Fact]
    public void AnOriginalLengthPastInt32_IsKeptAsTheLargestLengthNotANegativeOne()
    {
        var bytes = ThreeFrames();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(PacketBlock(bytes, 1) + 24), 0xFFFF_FFFF);
        using var file = new TempFile(bytes, ".pcapng");
        var handler = new RecordingHandler();
        var result = new CaptureReader([file.Path]).Read(handler);
        Assert.Empty(result.Truncations);
        Assert.Equal([54, int.MaxValue, 60], handler.Packets.Select(p => p.OriginalLength));
    }

    [Fact]
    public void APacketBlockShorterThanItsHeader_IsMalformedNotAnException()
    {
        var bytes = ThreeFrames();
        int last = PacketBlock(bytes, 2);
        // a 16-byte EPB: type, length, 4 body bytes (the interface id), length
        var cut = bytes[..last].Concat(new byte[] { 6, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0 }).ToArray();
        using var file = new TempFile(cut, ".pcapng");
        var result = new CaptureReader([file.Path]).Read(new RecordingHandler());
        var note = Assert.Single(result.Truncations);
        Assert.True(note.Malformed);
        Assert.Equal("packet block shorter than its header", note.Detail);
    }

    [Fact]
    public void TheCommand_SaysMalformedInOneLineAndExitsTwo_KeepingWhatWasRead()
    {
        var bytes = ThreeFrames();
        int spoiled = PacketBlock(bytes, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(spoiled + 8), 0x8000_0000);
        var path = TempPath(".pcapng");
        File.WriteAllBytes(path, bytes);

        var run = SensorProcess.Run("replay", path, "--no-db", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: {path}: malformed at byte {spoiled} after 2 packets (packet block for interface 2147483648, but 2 interfaces are described)",
            Assert.Single(run.StderrLines));
    }
}
