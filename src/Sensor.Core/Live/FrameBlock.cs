namespace Sensor.Core.Live;

/// <summary>
/// A batch of copied frames: one byte area and a row of headers, allocated once and reused, so
/// moving a frame from a capture thread to a worker allocates nothing.
/// </summary>
internal sealed class FrameBlock
{
    /// <summary>The smallest frame worth reserving a header for (an Ethernet header and a bare TCP/IPv4 header).</summary>
    private const int MinFrameBytes = 54;

    private readonly byte[] _data;
    private readonly Header[] _headers;
    private int _used;

    public FrameBlock(int bytes)
    {
        _data = new byte[bytes];
        _headers = new Header[bytes / MinFrameBytes];
    }

    /// <summary>What the block occupies: its byte area and its headers.</summary>
    public long FootprintBytes => _data.Length + (long)_headers.Length * 24;

    public int Count { get; private set; }

    /// <summary>Copies the frame in (cut to the block's size if it is bigger); false when the block has no room left.</summary>
    public bool TryAdd(long ticks, int linkType, ReadOnlySpan<byte> frame, int originalLength)
    {
        if (frame.Length > _data.Length)
            frame = frame[.._data.Length];
        if (Count == _headers.Length || _used + frame.Length > _data.Length)
            return false;
        frame.CopyTo(_data.AsSpan(_used));
        _headers[Count++] = new Header(ticks, _used, frame.Length, Math.Max(originalLength, frame.Length), linkType);
        _used += frame.Length;
        return true;
    }

    public long TicksAt(int index) => _headers[index].Ticks;
    public int LinkTypeAt(int index) => _headers[index].LinkType;
    public int OriginalLengthAt(int index) => _headers[index].OriginalLength;
    public ReadOnlySpan<byte> FrameAt(int index) => _data.AsSpan(_headers[index].Offset, _headers[index].Length);

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    private readonly record struct Header(long Ticks, int Offset, int Length, int OriginalLength, int LinkType);
}
