using System.Buffers.Binary;

namespace Sensor.Core.Capture;

/// <summary>
/// Finds where a truncated pcapng file stops making sense by walking its block lengths
/// (draft-ietf-opsawg-pcapng §3.1: every block starts with type and total length). libpcap does not say
/// where it stopped, so this is how the truncation offset of a pcapng file is made exact.
/// </summary>
internal static class PcapngBlockWalker
{
    private const uint SectionHeader = 0x0A0D0D0A;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>The offset of the first block that does not fit in the file, or null when all blocks are whole.</summary>
    public static long? FirstIncompleteBlock(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> header = stackalloc byte[12];
        bool bigEndian = false;
        long offset = 0;
        while (offset < stream.Length)
        {
            stream.Position = offset;
            int read = stream.ReadAtLeast(header, 12, throwOnEndOfStream: false);
            if (read < 8)
                return offset;
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (type == SectionHeader && read == 12)
                bigEndian = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != ByteOrderMagic;
            uint length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length < 12 || offset + length > stream.Length)
                return offset;
            offset += length;
        }
        return null;
    }
}
