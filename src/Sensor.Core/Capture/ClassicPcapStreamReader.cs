using System.Buffers.Binary;

namespace Sensor.Core.Capture;

/// <summary>
/// Classic pcap (pcap-savefile(5)) read from a stream that cannot seek, such as `tcpdump -w -` on a
/// pipe: the 24-byte file header, then records of a 16-byte header and the captured bytes. Either
/// byte order, micro- or nanosecond timestamps.
/// </summary>
internal sealed class ClassicPcapStreamReader : IFrameStream
{
    private const uint Micro = 0xA1B2C3D4, Nano = 0xA1B23C4D;
    private const int FileHeader = 24, RecordHeader = 16;
    /// <summary>A captured length past this is no frame (libpcap's own bound for a savefile record is 256 KiB).</summary>
    private const int MaxRecordBytes = 16 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly bool _bigEndian, _nanosecond;
    private byte[] _record = new byte[64 * 1024];
    private long _position;

    private ClassicPcapStreamReader(Stream stream, bool bigEndian, bool nanosecond, int linkType)
    {
        _stream = stream;
        _bigEndian = bigEndian;
        _nanosecond = nanosecond;
        LinkType = linkType;
        _position = FileHeader;
    }

    public int LinkType { get; }
    public string? Error { get; private set; }
    public bool Malformed { get; private set; }
    public long BlockOffset { get; private set; }

    /// <summary>Reads the file header; null (the stream left to the caller) when it is not a whole classic pcap header.</summary>
    public static ClassicPcapStreamReader? Open(Stream stream)
    {
        Span<byte> header = stackalloc byte[FileHeader];
        if (stream.ReadAtLeast(header, FileHeader, throwOnEndOfStream: false) < FileHeader)
            return null;
        uint little = BinaryPrimitives.ReadUInt32LittleEndian(header);
        bool bigEndian = little is not (Micro or Nano);
        uint magic = bigEndian ? BinaryPrimitives.ReverseEndianness(little) : little;
        if (magic is not (Micro or Nano))
            return null;
        uint linkField = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[20..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        // pcap-savefile(5): the link type is the low 16 bits; the upper bits carry FCS information.
        return new ClassicPcapStreamReader(stream, bigEndian, magic == Nano, (int)(linkField & 0xFFFF));
    }

    public bool TryRead(out long ticks, out int linkType, out int originalLength, out ReadOnlySpan<byte> data)
    {
        ticks = 0; linkType = LinkType; originalLength = 0; data = default;
        BlockOffset = _position;
        Span<byte> header = stackalloc byte[RecordHeader];
        int read = ReadFully(header);
        if (read == 0)
            return false;
        if (read < RecordHeader)
            return Fail("record header cut short", malformed: false);
        uint seconds = U32(header), fraction = U32(header[4..]), captured = U32(header[8..]), original = U32(header[12..]);
        if (captured > MaxRecordBytes)
            return Fail($"record captured length {captured} larger than {MaxRecordBytes} bytes", malformed: true);
        if (_record.Length < captured)
            Array.Resize(ref _record, (int)captured);
        if (ReadFully(_record.AsSpan(0, (int)captured)) < captured)
            return Fail("record cut short", malformed: false);
        ticks = PcapFrameReader.TicksOf(seconds, fraction, _nanosecond);
        originalLength = (int)Math.Min(original, int.MaxValue);
        data = _record.AsSpan(0, (int)captured);
        return true;
    }

    private int ReadFully(Span<byte> buffer)
    {
        int read = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _position += read;
        return read;
    }

    private bool Fail(string why, bool malformed)
    {
        Error = why;
        Malformed = malformed;
        return false;
    }

    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    public void Dispose() => _stream.Dispose();
}
