using System.Buffers.Binary;

namespace Sensor.Core.Capture;

/// <summary>
/// Reads a pcapng file whose interfaces have different link types (draft-ietf-opsawg-pcapng §4):
/// Wireshark or dumpcap capturing "any" beside "lo", or two different NICs, writes such files and
/// libpcap refuses them at the first frame of the second link type. Each frame keeps its own
/// interface's link type and timestamp resolution. Used only from that point on (see
/// <see cref="CaptureFileSource"/>): the frames libpcap already delivered are skipped by count.
/// </summary>
internal sealed class PcapngMixedReader : IManagedFrameReader
{
    private const uint SectionHeader = 0x0A0D0D0A, InterfaceDescription = 1, ObsoletePacket = 2, SimplePacket = 3, EnhancedPacket = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const ushort OptionEnd = 0, OptionTsResol = 9, OptionTsOffset = 14;
    private const int MaxBlockBytes = 16 * 1024 * 1024;

    private readonly record struct Interface(int LinkType, int SnapLength, long UnitsPerSecond, long OffsetSeconds);

    private readonly Stream _stream;
    private readonly List<Interface> _interfaces = [];
    private byte[] _block = new byte[64 * 1024];
    private bool _bigEndian;

    public PcapngMixedReader(string path) =>
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);

    /// <summary>Why reading stopped before the end of the file, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The next packet: false at the end of the file or at a block that does not make sense (<see cref="Error"/>).</summary>
    public bool TryRead(out long ticks, out int linkType, out int originalLength, out ReadOnlySpan<byte> data)
    {
        ticks = 0; linkType = 0; originalLength = 0; data = default;
        while (NextBlock(out uint type, out int bodyLength))
        {
            var body = _block.AsSpan(0, bodyLength);
            switch (type)
            {
                case SectionHeader: _interfaces.Clear(); break;
                case InterfaceDescription: AddInterface(body); break;
                case EnhancedPacket or ObsoletePacket or SimplePacket:
                    if (Packet(type, body, out ticks, out linkType, out originalLength, out data))
                        return true;
                    return false;
            }
        }
        return false;
    }

    /// <summary>Skips <paramref name="count"/> packets (those libpcap delivered before it gave up).</summary>
    public void Skip(long count)
    {
        for (long i = 0; i < count && TryRead(out _, out _, out _, out _); i++)
        {
        }
    }

    private bool NextBlock(out uint type, out int bodyLength)
    {
        bodyLength = 0;
        Span<byte> header = stackalloc byte[8];
        int read = _stream.ReadAtLeast(header, 8, throwOnEndOfStream: false);
        type = 0;
        if (read == 0)
            return false;
        if (read < 8)
            return Fail("block header cut short");
        type = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (type == SectionHeader)
            return SectionHeaderBlock(header, out bodyLength);
        type = U32(header);
        return ReadBody(U32(header[4..]), out bodyLength);
    }

    /// <summary>§4.1: the byte-order magic after the length says how to read the length itself.</summary>
    private bool SectionHeaderBlock(ReadOnlySpan<byte> header, out int bodyLength)
    {
        bodyLength = 0;
        Span<byte> magic = stackalloc byte[4];
        if (_stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
            return Fail("section header cut short");
        _bigEndian = BinaryPrimitives.ReadUInt32BigEndian(magic) == ByteOrderMagic;
        if (!_bigEndian && BinaryPrimitives.ReadUInt32LittleEndian(magic) != ByteOrderMagic)
            return Fail("section header without byte-order magic");
        _stream.Seek(-4, SeekOrigin.Current);
        return ReadBody(U32(header[4..]), out bodyLength);
    }

    /// <summary>Reads the block's body and trailing length; the body lands in <see cref="_block"/>.</summary>
    private bool ReadBody(uint totalLength, out int bodyLength)
    {
        bodyLength = 0;
        if (totalLength < 12 || totalLength % 4 != 0 || totalLength > MaxBlockBytes)
            return Fail($"block length {totalLength} out of range");
        int rest = (int)totalLength - 8;
        if (_block.Length < rest)
            _block = new byte[rest];
        if (_stream.ReadAtLeast(_block.AsSpan(0, rest), rest, throwOnEndOfStream: false) < rest)
            return Fail("block cut short");
        bodyLength = rest - 4;
        return true;
    }

    private void AddInterface(ReadOnlySpan<byte> body)
    {
        if (body.Length < 8)
            return;
        long units = 1_000_000, offset = 0;
        for (var options = body[8..]; options.Length >= 4;)
        {
            ushort code = U16(options), length = U16(options[2..]);
            if (code == OptionEnd || options.Length < 4 + length)
                break;
            var value = options.Slice(4, length);
            if (code == OptionTsResol && length >= 1)
                units = (value[0] & 0x80) == 0 ? (long)Math.Pow(10, Math.Min((int)value[0], 18)) : 1L << Math.Min(value[0] & 0x7F, 62);
            else if (code == OptionTsOffset && length >= 8)
                offset = (long)U64(value);
            options = options[(4 + ((length + 3) & ~3))..];
        }
        _interfaces.Add(new Interface(U16(body), (int)U32(body[4..]), units, offset));
    }

    /// <summary>§4.3 Enhanced, §4.4 Simple (interface 0, no timestamp), Appendix obsolete Packet Block.</summary>
    private bool Packet(uint type, ReadOnlySpan<byte> body, out long ticks, out int linkType, out int originalLength, out ReadOnlySpan<byte> data)
    {
        ticks = 0; linkType = 0; originalLength = 0; data = default;
        int interfaceId, captured, headerLength;
        ulong stamp = 0;
        if (type == SimplePacket)
        {
            interfaceId = 0;
            originalLength = (int)U32(body);
            headerLength = 4;
            captured = Math.Min(originalLength, body.Length - headerLength);
        }
        else
        {
            interfaceId = type == EnhancedPacket ? (int)U32(body) : U16(body);
            stamp = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
            captured = (int)U32(body[12..]);
            originalLength = (int)U32(body[16..]);
            headerLength = 20;
        }
        if (interfaceId >= _interfaces.Count || captured < 0 || headerLength + captured > body.Length)
            return Fail($"packet block for interface {interfaceId} does not fit");
        var iface = _interfaces[interfaceId];
        if (type == SimplePacket)
            captured = Math.Min(captured, iface.SnapLength > 0 ? iface.SnapLength : captured);
        linkType = iface.LinkType;
        ticks = Ticks(stamp, iface);
        data = body.Slice(headerLength, captured);
        return true;
    }

    /// <summary>
    /// Pinned to DateTime's range as libpcap's frames are (<see cref="PcapFrameReader.TicksOf"/>): the
    /// stamp and the interface's if_tsoffset are the file's to choose, and an unpinned time ended a replay.
    /// </summary>
    private static long Ticks(ulong stamp, Interface iface)
    {
        ulong units = (ulong)iface.UnitsPerSecond;
        long nanoseconds = (long)((UInt128)(stamp % units) * 1_000_000_000 / units);
        long seconds = (long)Int128.Clamp((Int128)(stamp / units) + iface.OffsetSeconds, long.MinValue, long.MaxValue);
        return PcapFrameReader.TicksOf(seconds, nanoseconds, nanosecond: true);
    }

    private bool Fail(string why)
    {
        Error = why;
        return false;
    }

    private ushort U16(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    private ulong U64(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);

    public void Dispose() => _stream.Dispose();
}
