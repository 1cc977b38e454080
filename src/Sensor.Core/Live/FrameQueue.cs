namespace Sensor.Core.Live;

/// <summary>
/// The bounded queue between the capture threads (any number) and one worker. Frames are copied
/// into a fixed set of <see cref="FrameBlock"/>s made at start; when every block is full or in the
/// worker's hands, a frame is dropped and counted, never waited for (a capture thread that waits
/// makes the kernel drop instead, uncounted by us). The worker takes whatever is there, a part-filled
/// block too, so a quiet wire is not delayed until a block fills.
/// </summary>
internal sealed class FrameQueue
{
    private readonly object _gate = new();
    private readonly Queue<FrameBlock> _full = new();
    private readonly Stack<FrameBlock> _free = new();
    private FrameBlock? _filling;
    private bool _workerWaiting;
    private bool _completed;
    private int _depth;

    public FrameQueue(int totalBytes, int blockBytes)
    {
        int blocks = Math.Max(2, totalBytes / blockBytes);
        for (int i = 0; i < blocks; i++)
            _free.Push(new FrameBlock(blockBytes));
        FootprintBytes = blocks * _free.Peek().FootprintBytes;
    }

    public long FootprintBytes { get; }
    public long Accepted { get; private set; }
    public long Dropped { get; private set; }

    /// <summary>Bytes of every frame offered, kept or dropped.</summary>
    public long OfferedBytes { get; private set; }

    /// <summary>Frames waiting for the worker right now.</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>Copies the frame in; false (and counted as dropped) when the queue is full or closed.</summary>
    public bool TryAdd(long ticks, int linkType, ReadOnlySpan<byte> frame, int originalLength)
    {
        lock (_gate)
        {
            OfferedBytes += frame.Length;
            bool added = !_completed
                && ((_filling?.TryAdd(ticks, linkType, frame, originalLength) ?? false) || AddToNewBlock(ticks, linkType, frame, originalLength));
            if (!added)
            {
                Dropped++;
                return false;
            }
            Accepted++;
            _depth++;
            if (_workerWaiting)
                Monitor.Pulse(_gate);
            return true;
        }
    }

    private bool AddToNewBlock(long ticks, int linkType, ReadOnlySpan<byte> frame, int originalLength)
    {
        if (_filling is { Count: > 0 })
            _full.Enqueue(_filling);
        _filling = null;
        if (!_free.TryPop(out var block))
            return false;
        _filling = block;
        return block.TryAdd(ticks, linkType, frame, originalLength);
    }

    /// <summary>
    /// The worker's side: the oldest waiting block (full or not), or null after <paramref name="timeout"/>
    /// with nothing to do. <paramref name="completed"/> is true once the queue is closed and empty.
    /// </summary>
    public FrameBlock? Take(TimeSpan timeout, out bool completed)
    {
        lock (_gate)
        {
            completed = false;
            if (Next() is { } ready)
                return ready;
            if (_completed)
            {
                completed = true;
                return null;
            }
            _workerWaiting = true;
            Monitor.Wait(_gate, timeout);
            _workerWaiting = false;
            return Next();
        }
    }

    private FrameBlock? Next()
    {
        if (!_full.TryDequeue(out var block))
        {
            if (_filling is not { Count: > 0 })
                return null;
            block = _filling;
            _filling = null;
        }
        _depth -= block.Count;
        return block;
    }

    /// <summary>The worker hands a block back once its frames are processed.</summary>
    public void Return(FrameBlock block)
    {
        block.Clear();
        lock (_gate)
            _free.Push(block);
    }

    /// <summary>No more frames: the worker drains what is queued, then <see cref="Take"/> says completed.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
