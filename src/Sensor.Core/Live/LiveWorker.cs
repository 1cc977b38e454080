using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Sensor.Core.Decoding;
using Sensor.Core.Pipeline;

namespace Sensor.Core.Live;

/// <summary>
/// One worker: a thread that takes frames from its queue, keeps them in the evidence rings and runs
/// them through its own <see cref="MailPipeline"/>. Its flows are only ever its own (the capture
/// threads shard by flow), so the pipeline needs no lock. Its clock is capture time; when the wire is
/// quiet it moves on by the wall time elapsed since the last frame, so idle flows expire and ended
/// sessions are reported without waiting for the next frame.
/// </summary>
internal sealed class LiveWorker : IDisposable
{
    /// <summary>How often, in capture time, a busy wire still hands finished sessions to detection.</summary>
    public static readonly long PushIntervalTicks = TimeSpan.FromMilliseconds(250).Ticks;

    private readonly MailPipeline _pipeline;
    private readonly FlowRings? _rings;
    private readonly TimeSpan _idleTick;
    private readonly Thread _thread;
    private long _lastFrameTicks, _lastPushTicks;
    private long _lastFrameWall;
    private ExceptionDispatchInfo? _failure;

    public LiveWorker(int index, FrameQueue queue, MailPipeline pipeline, FlowRings? rings, TimeSpan idleTick)
    {
        Queue = queue;
        _pipeline = pipeline;
        _rings = rings;
        _idleTick = idleTick;
        _thread = new Thread(Work) { IsBackground = true, Name = $"sensor-worker-{index}" };
    }

    public FrameQueue Queue { get; }
    public MailPipeline Pipeline => _pipeline;
    public FlowRings? Rings => _rings;

    public void Start() => _thread.Start();

    /// <summary>Closes the queue, waits until every queued frame is processed and every open flow ended and reported.</summary>
    public void Finish()
    {
        Queue.Complete();
        if (_thread.ThreadState != System.Threading.ThreadState.Unstarted)
            _thread.Join();
        _failure?.Throw();
    }

    private void Work()
    {
        try
        {
            while (true)
            {
                var block = Queue.Take(_idleTick, out bool completed);
                if (completed)
                    break;
                if (block is null)
                    OnQuiet();
                else
                    Process(block);
            }
            _pipeline.Complete();
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }
    }

    private void Process(FrameBlock block)
    {
        for (int i = 0; i < block.Count; i++)
        {
            long ticks = block.TicksAt(i);
            int linkType = block.LinkTypeAt(i);
            var frame = block.FrameAt(i);
            if (_rings is not null && PacketDecoder.DecodeFrame(linkType, ticks, frame, out var segment) == DecodeResult.Tcp)
                _rings.Add(segment, ticks, linkType, frame, block.OriginalLengthAt(i));
            _pipeline.OnFrame(linkType, ticks, frame);
            if (ticks > _lastFrameTicks)
                _lastFrameTicks = ticks;
            if (ticks - _lastPushTicks >= PushIntervalTicks)
            {
                _lastPushTicks = ticks;
                _pipeline.AdvanceTime(ticks);
            }
        }
        _lastFrameWall = Stopwatch.GetTimestamp();
        Queue.Return(block);
    }

    private void OnQuiet()
    {
        if (_lastFrameWall == 0)
            return;
        _pipeline.AdvanceTime(_lastFrameTicks + Stopwatch.GetElapsedTime(_lastFrameWall).Ticks);
    }

    public void Dispose() => _pipeline.Dispose();
}
