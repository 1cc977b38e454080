using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sensor.Tests.Capture;

/// <summary>A frame to put in a test capture file.</summary>
internal sealed record TestFrame(long Ticks, byte[] Data, int? OriginalLength = null);

/// <summary>
/// Minimal writers for test captures, independent of the code under test: classic pcap in either
/// byte order and precision, and pcapng (SHB, IDB, EPBs).
/// </summary>
internal static class TestCaptureFiles
{
    public static string TempPath(string extension) =>
        Path.Combine(Path.GetTempPath(), $"sensor-test-{Guid.NewGuid():N}{extension}");

    public static byte[] Classic(int linkType, IEnumerable<TestFrame> frames, bool bigEndian = false, bool nanosecond = false)
    {
        var output = new List<byte>();
        output.AddRange(U32(nanosecond ? 0xA1B23C4Du : 0xA1B2C3D4u, bigEndian));
        output.AddRange(U16(2, bigEndian));
        output.AddRange(U16(4, bigEndian));
        output.AddRange(new byte[8]);
        output.AddRange(U32(65535, bigEndian));
        output.AddRange(U32((uint)linkType, bigEndian));
        foreach (var frame in frames)
        {
            long unix = frame.Ticks - DateTime.UnixEpoch.Ticks;
            long remainder = unix % TimeSpan.TicksPerSecond;
            output.AddRange(U32((uint)(unix / TimeSpan.TicksPerSecond), bigEndian));
            output.AddRange(U32((uint)(nanosecond ? remainder * 100 : remainder / 10), bigEndian));
            output.AddRange(U32((uint)frame.Data.Length, bigEndian));
            output.AddRange(U32((uint)(frame.OriginalLength ?? frame.Data.Length), bigEndian));
            output.AddRange(frame.Data);
        }
        return output.ToArray();
    }

    /// <summary>
    /// A little-endian classic pcap as `tcpdump -s SNAP` would have written it: every frame cut to at
    /// most <paramref name="snap"/> bytes, its length on the wire kept, the header's snaplen set.
    /// </summary>
    public static byte[] CutToSnapLength(byte[] classic, int snap)
    {
        var output = new List<byte>(classic.AsSpan(0, 24).ToArray());
        BinaryPrimitives.WriteUInt32LittleEndian(CollectionsMarshal.AsSpan(output).Slice(16, 4), (uint)snap);
        for (int at = 24; at + 16 <= classic.Length;)
        {
            int captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(classic.AsSpan(at + 8));
            int kept = Math.Min(captured, snap);
            var header = classic.AsSpan(at, 16).ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)kept);
            output.AddRange(header);
            output.AddRange(classic.AsSpan(at + 16, kept).ToArray());
            at += 16 + captured;
        }
        return output.ToArray();
    }

    /// <summary>
    /// The same classic pcap written by a host of the other byte order: every header field reversed,
    /// the frames untouched (what a capture from a big-endian router looks like).
    /// </summary>
    public static byte[] ByteSwapped(byte[] classic)
    {
        var swapped = (byte[])classic.Clone();
        var span = swapped.AsSpan();
        int[] fileHeaderWidths = [4, 2, 2, 4, 4, 4, 4];
        int at = 0;
        foreach (int width in fileHeaderWidths)
            at += Reverse(span.Slice(at, width));
        bool bigEndianInput = BinaryPrimitives.ReadUInt32BigEndian(classic) is 0xA1B2C3D4 or 0xA1B23C4D;
        while (at + 16 <= swapped.Length)
        {
            uint captured = bigEndianInput ? BinaryPrimitives.ReadUInt32BigEndian(classic.AsSpan(at + 8)) : BinaryPrimitives.ReadUInt32LittleEndian(classic.AsSpan(at + 8));
            for (int field = 0; field < 4; field++)
                Reverse(span.Slice(at + 4 * field, 4));
            at += 16 + (int)captured;
        }
        return swapped;
    }

    private static int Reverse(Span<byte> field)
    {
        field.Reverse();
        return field.Length;
    }

    /// <summary>pcapng with one interface at microsecond resolution (the default if_tsresol).</summary>
    public static byte[] Pcapng(int linkType, IEnumerable<TestFrame> frames)
    {
        var output = new List<byte>();
        Block(output, 0x0A0D0D0A, [.. U32(0x1A2B3C4D, false), .. U16(1, false), .. U16(0, false), .. U64(ulong.MaxValue)]);
        Block(output, 1, [.. U16((ushort)linkType, false), .. U16(0, false), .. U32(65535, false)]);
        foreach (var frame in frames)
            EnhancedPacket(output, 0, (ulong)((frame.Ticks - DateTime.UnixEpoch.Ticks) / 10), frame);
        return output.ToArray();
    }

    /// <summary>
    /// pcapng with two interfaces of different link types, as dumpcap writes for "-i lo -i any": each
    /// frame names its interface; the second interface has nanosecond timestamps (if_tsresol 9).
    /// </summary>
    public static byte[] PcapngTwoLinkTypes(int firstLinkType, int secondLinkType, IEnumerable<(int Interface, TestFrame Frame)> frames)
    {
        var output = new List<byte>();
        Block(output, 0x0A0D0D0A, [.. U32(0x1A2B3C4D, false), .. U16(1, false), .. U16(0, false), .. U64(ulong.MaxValue)]);
        Block(output, 1, [.. U16((ushort)firstLinkType, false), .. U16(0, false), .. U32(65535, false)]);
        Block(output, 1, [.. U16((ushort)secondLinkType, false), .. U16(0, false), .. U32(65535, false),
            .. U16(9, false), .. U16(1, false), 9, 0, 0, 0, .. U16(0, false), .. U16(0, false)]);
        foreach (var (iface, frame) in frames)
        {
            ulong ticks = (ulong)(frame.Ticks - DateTime.UnixEpoch.Ticks);
            EnhancedPacket(output, iface, iface == 0 ? ticks / 10 : ticks * 100, frame);
        }
        return output.ToArray();
    }

    /// <summary>An Enhanced Packet Block: interface, 64-bit timestamp in the interface's units, lengths, padded data.</summary>
    private static void EnhancedPacket(List<byte> output, int iface, ulong stamp, TestFrame frame)
    {
        var body = new List<byte>();
        body.AddRange(U32((uint)iface, false));
        body.AddRange(U32((uint)(stamp >> 32), false));
        body.AddRange(U32((uint)stamp, false));
        body.AddRange(U32((uint)frame.Data.Length, false));
        body.AddRange(U32((uint)(frame.OriginalLength ?? frame.Data.Length), false));
        body.AddRange(frame.Data);
        while (body.Count % 4 != 0)
            body.Add(0);
        Block(output, 6, body.ToArray());
    }

    private static void Block(List<byte> output, uint type, byte[] body)
    {
        uint length = (uint)(12 + body.Length);
        output.AddRange(U32(type, false));
        output.AddRange(U32(length, false));
        output.AddRange(body);
        output.AddRange(U32(length, false));
    }

    private static byte[] U16(ushort v, bool be) { var b = new byte[2]; if (be) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v); return b; }
    private static byte[] U32(uint v, bool be) { var b = new byte[4]; if (be) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }
    private static byte[] U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }
}

/// <summary>A file deleted at the end of the test.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(byte[] contents, string extension = ".pcap")
    {
        Path = TestCaptureFiles.TempPath(extension);
        File.WriteAllBytes(Path, contents);
    }

    public TempFile(string extension = ".pcap") => Path = TestCaptureFiles.TempPath(extension);

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
