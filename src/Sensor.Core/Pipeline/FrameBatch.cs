using Sensor.Core.Capture;

namespace Sensor.Core.Pipeline;

/// <summary>
/// Frames copied out of the capture library's buffer in one block, so the reading thread can hand
/// many at a time to the processing thread: one allocation-free memcpy per frame, one queue
/// operation per batch.
/// </summary>
internal sealed class FrameBatch
{
    public const int DataBytes = 1 << 20;
    public const int MaxFrames = 8192;

    private readonly byte[] _data = new byte[DataBytes];
    private readonly long[] _ticks = new long[MaxFrames];
    private readonly int[] _offsets = new int[MaxFrames];
    private readonly int[] _lengths = new int[MaxFrames];
    private readonly int[] _linkTypes = new int[MaxFrames];
    private int _used;

    public int Count { get; private set; }

    /// <summary>Copies the frame in; false when the batch is full (the frame was not taken).</summary>
    public bool TryAdd(in RawPacket packet)
    {
        int length = packet.Data.Length;
        if (Count == MaxFrames || _used + length > DataBytes)
            return false;
        packet.Data.CopyTo(_data.AsSpan(_used));
        _ticks[Count] = packet.TimestampTicks;
        _offsets[Count] = _used;
        _lengths[Count] = length;
        _linkTypes[Count] = packet.LinkType;
        _used += length;
        Count++;
        return true;
    }

    public void FeedTo(MailPipeline pipeline)
    {
        for (int i = 0; i < Count; i++)
            pipeline.OnFrame(_linkTypes[i], _ticks[i], _data.AsSpan(_offsets[i], _lengths[i]));
    }

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }
}
