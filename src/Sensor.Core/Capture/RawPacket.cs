namespace Sensor.Core.Capture;

/// <summary>
/// One captured frame as the capture library hands it over. A ref struct over libpcap's buffer (or a
/// pooled merge buffer): valid only during <see cref="IPacketHandler.OnPacket"/>.
/// </summary>
public readonly ref struct RawPacket
{
    public RawPacket(long timestampTicks, int linkType, ReadOnlySpan<byte> data, int originalLength, int fileIndex)
    {
        TimestampTicks = timestampTicks;
        LinkType = linkType;
        Data = data;
        OriginalLength = originalLength;
        FileIndex = fileIndex;
    }

    /// <summary>Capture time as UTC DateTime ticks (100 ns; nanosecond files lose the last two digits).</summary>
    public long TimestampTicks { get; }
    /// <summary>The link-layer header type (a libpcap DLT value), see <see cref="Decoding.LinkType"/>.</summary>
    public int LinkType { get; }
    /// <summary>The captured bytes (at most the snap length).</summary>
    public ReadOnlySpan<byte> Data { get; }
    /// <summary>The frame's length on the wire; more than Data.Length when the snap length cut it.</summary>
    public int OriginalLength { get; }
    /// <summary>Which of the files given to the reader this frame came from (0-based).</summary>
    public int FileIndex { get; }
}

/// <summary>Receives frames in timestamp order (per file, and merged across files).</summary>
public interface IPacketHandler
{
    void OnPacket(in RawPacket packet);
}
