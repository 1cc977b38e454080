using System.Buffers.Binary;

namespace Sensor.Core.Capture;

/// <summary>A capture file read by the sensor's own code, frame by frame; the frame's bytes are valid until the next read.</summary>
internal interface IManagedFrameReader : IDisposable
{
    /// <summary>The next frame: false at the end of the file, or where it stops making sense (<see cref="Error"/>).</summary>
    bool TryRead(out long ticks, out int linkType, out int originalLength, out ReadOnlySpan<byte> data);

    /// <summary>Why reading stopped before the end of the file, or null.</summary>
    string? Error { get; }
}

/// <summary>
/// Reads a classic pcap file without libpcap (pcap-savefile(5); draft-ietf-opsawg-pcap §4-5): both byte
/// orders, micro- and nanosecond timestamps. Used where libpcap cannot be loaded (Windows without Npcap,
/// macOS or a container without it), so a replay never needs the capture library; with libpcap present,
/// libpcap reads the file. Checks a record as libpcap does: a captured length over the larger of the
/// file's snap length and 262,144 bytes (libpcap's MAXIMUM_SNAPLEN) is a corrupt file, not an allocation.
/// </summary>
internal sealed class ClassicPcapReader : IManagedFrameReader
{
    public const int FileHeaderBytes = 24;
    private const int RecordHeaderBytes = 16;
    private const uint Micro = 0xA1B2C3D4, Nano = 0xA1B23C4D;
    private const int MaximumSnapLength = 262_144;
    // §4: the link type is the low 26 bits (libpcap's LT_LINKTYPE); the bits above say how many FCS bytes follow.
    private const uint LinkTypeMask = 0x03FF_FFFF;

    private readonly Stream _stream;
    private readonly bool _swapped;
    private readonly bool _nanosecond;
    private readonly int _maxCaptured;
    private byte[] _frame = new byte[64 * 1024];

    public ClassicPcapReader(string path)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, StdioCaptureFile.BufferBytes);
        Span<byte> header = stackalloc byte[FileHeaderBytes];
        if (_stream.ReadAtLeast(header, FileHeaderBytes, throwOnEndOfStream: false) < FileHeaderBytes)
        {
            _stream.Dispose();
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: truncated dump file; the file header is cut short");
        }
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        _swapped = magic is not (Micro or Nano);
        _nanosecond = (_swapped ? BinaryPrimitives.ReverseEndianness(magic) : magic) == Nano;
        uint snapLength = U32(header[16..]);
        LinkType = (int)(U32(header[20..]) & LinkTypeMask);
        _maxCaptured = (int)Math.Max(Math.Min(snapLength, int.MaxValue), MaximumSnapLength);
    }

    /// <summary>The file header's link type, which every frame of a classic pcap file has.</summary>
    public int LinkType { get; }

    public string? Error { get; private set; }

    public bool TryRead(out long ticks, out int linkType, out int originalLength, out ReadOnlySpan<byte> data)
    {
        ticks = 0; linkType = LinkType; originalLength = 0; data = default;
        Span<byte> header = stackalloc byte[RecordHeaderBytes];
        int read = _stream.ReadAtLeast(header, RecordHeaderBytes, throwOnEndOfStream: false);
        if (read == 0)
            return false;
        if (read < RecordHeaderBytes)
            return Fail($"truncated dump file; tried to read {RecordHeaderBytes} header bytes, only got {read}");
        uint captured = U32(header[8..]);
        if (captured > _maxCaptured)
            return Fail($"invalid packet capture length {captured}, bigger than maximum of {_maxCaptured}");
        if (_frame.Length < captured)
            _frame = new byte[Math.Min(Math.Max(captured, _frame.Length * 2L), _maxCaptured)];
        read = _stream.ReadAtLeast(_frame.AsSpan(0, (int)captured), (int)captured, throwOnEndOfStream: false);
        if (read < captured)
            return Fail($"truncated dump file; tried to read {captured} captured bytes, only got {read}");
        // the unsigned seconds of the file format, read as libpcap's 64-bit time_t reads them
        ticks = PcapFrameReader.TicksOf(U32(header), U32(header[4..]), _nanosecond);
        originalLength = (int)Math.Min(U32(header[12..]), int.MaxValue);
        data = _frame.AsSpan(0, (int)captured);
        return true;
    }

    private bool Fail(string why)
    {
        Error = why;
        return false;
    }

    private uint U32(ReadOnlySpan<byte> bytes) =>
        _swapped ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    public void Dispose() => _stream.Dispose();
}
