using Sensor.Core.Capture;
using Sensor.Core.Pipeline;

namespace Sensor.Core.Live;

/// <summary>
/// Runs one or more live captures into one <see cref="MailPipeline"/> until cancelled, then ends every
/// open flow so its session and findings are reported. Each interface reads on its own thread; frames
/// reach the pipeline one at a time (it needs one caller), in arrival order.
/// </summary>
public sealed partial class LiveSensor(IReadOnlyList<LiveCapture> captures, MailPipeline pipeline)
{
    /// <summary>How often, in capture time, a busy wire still hands finished sessions to detection.</summary>
    public static readonly long PushIntervalTicks = TimeSpan.FromMilliseconds(250).Ticks;

    private readonly Lock _gate = new();

    /// <summary>Opens every interface and applies the filter; throws <see cref="CaptureException"/> before anything runs.</summary>
    public void Open()
    {
        foreach (var capture in captures)
            capture.Open();
    }

    /// <summary>Captures until <paramref name="cancellation"/> fires or every capture stops, then completes the pipeline.</summary>
    public IReadOnlyList<(string Interface, LiveCaptureResult Result)> Run(CancellationToken cancellation)
    {
        Open();
        var runs = captures.Select(capture => Task.Factory.StartNew(
            () => capture.Run(new Handler(this), cancellation, AdvanceTime),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(runs);
        }
        finally
        {
            lock (_gate)
                pipeline.Complete();
        }
        return captures.Zip(runs, (c, r) => (c.InterfaceName, r.Result)).ToArray();
    }

    private void AdvanceTime(long nowTicks)
    {
        lock (_gate)
            pipeline.AdvanceTime(nowTicks);
    }

    /// <summary>One frame into the pipeline; on a busy wire, every <see cref="PushIntervalTicks"/> also hands over what ended.</summary>
    private void OnFrame(in RawPacket packet, ref long lastPush)
    {
        lock (_gate)
        {
            CountFrame(packet.Data.Length);
            pipeline.OnFrame(packet.LinkType, packet.TimestampTicks, packet.Data);
            if (packet.TimestampTicks - lastPush >= PushIntervalTicks)
            {
                lastPush = packet.TimestampTicks;
                pipeline.AdvanceTime(packet.TimestampTicks);
            }
        }
    }

    private sealed class Handler(LiveSensor sensor) : IPacketHandler
    {
        private long _lastPush;

        public void OnPacket(in RawPacket packet) => sensor.OnFrame(packet, ref _lastPush);
    }
}
