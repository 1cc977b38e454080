using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Sensor.Core.Capture;

namespace Sensor.Core.Pipeline;

/// <summary>
/// Feeds frames from a capture reader into the mail pipeline on a second thread: libpcap's read
/// and the pipeline's work overlap (the machine has two cores; reading alone is most of a
/// tcpdump-speed budget). Frames keep their order; the queue is bounded, so memory is too.
/// </summary>
public sealed class PipelinePacketHandler : IPacketHandler, IDisposable
{
    public const int BatchesInFlight = 8;

    private readonly MailPipeline _pipeline;
    private readonly BlockingCollection<FrameBatch> _full = new(BatchesInFlight);
    private readonly BlockingCollection<FrameBatch> _free = new();
    private readonly Thread _worker;
    private FrameBatch _filling;
    private ExceptionDispatchInfo? _failure;

    private PipelinePacketHandler(MailPipeline pipeline)
    {
        _pipeline = pipeline;
        for (int i = 0; i < BatchesInFlight + 1; i++)
            _free.Add(new FrameBatch());
        _filling = _free.Take();
        _worker = new Thread(Work) { IsBackground = true, Name = "sensor-pipeline" };
        _worker.Start();
    }

    /// <summary>Reads every frame of the capture through the pipeline and ends it.</summary>
    public static CaptureResult Run(CaptureReader reader, MailPipeline pipeline, CancellationToken cancellation = default)
    {
        CaptureResult result;
        using (var handler = new PipelinePacketHandler(pipeline))
        {
            result = reader.Read(handler, cancellation);
            handler.Finish();
        }
        pipeline.Complete();
        return result;
    }

    public void OnPacket(in RawPacket packet)
    {
        if (_filling.TryAdd(packet))
            return;
        Hand(_filling);
        _filling = NextFree();
        if (!_filling.TryAdd(packet))
            throw new InvalidOperationException($"a frame of {packet.Data.Length} bytes does not fit a batch");
    }

    /// <summary>Hands over the last batch, waits for the worker and rethrows what it failed with.</summary>
    private void Finish()
    {
        if (_filling.Count > 0)
            Hand(_filling);
        _full.CompleteAdding();
        _worker.Join();
        _failure?.Throw();
    }

    private void Hand(FrameBatch batch)
    {
        try
        {
            _full.Add(batch);
        }
        catch (InvalidOperationException) when (_failure is not null)
        {
            _failure.Throw();
        }
    }

    private FrameBatch NextFree()
    {
        try
        {
            return _free.Take();
        }
        catch (InvalidOperationException) when (_failure is not null)
        {
            _failure.Throw();
            throw;
        }
    }

    private void Work()
    {
        try
        {
            foreach (var batch in _full.GetConsumingEnumerable())
            {
                batch.FeedTo(_pipeline);
                batch.Clear();
                _free.Add(batch);
            }
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            _full.CompleteAdding();
            _free.CompleteAdding();
        }
    }

    /// <summary>Stops the worker even when reading failed before <see cref="Finish"/>.</summary>
    public void Dispose()
    {
        if (!_full.IsAddingCompleted)
            _full.CompleteAdding();
        _worker.Join();
        _full.Dispose();
        _free.Dispose();
    }
}
