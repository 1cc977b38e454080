using System.Runtime.CompilerServices;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Core.Pipeline;

/// <summary>
/// Splits the pipeline over the machine's two cores: capture reading, decoding and reassembly stay
/// on the calling thread; sessions, parsers, detection and sinks run on a worker that replays the
/// flow events in order. Batches are bounded in number and size, so memory is too. The worker writes
/// only <see cref="TcpFlow.Ignored"/> and <see cref="TcpFlow.Attachment"/>; the flow table reads the
/// first, and a few packets of a flow ignored late are simply delivered and dropped. Flows on other
/// ports that are not mail are ignored on this thread already (<see cref="NonMailScreen"/>).
/// </summary>
public sealed class FlowEventRelay : IFlowObserver, IDisposable
{
    public const int BatchesInFlight = 8;

    private readonly SessionTracker _tracker;
    private readonly NonMailScreen _screen = new();
    // Replayed batches come back here to be filled again; a worker failure completes it, so a sender waiting for one wakes.
    private readonly HandoffQueue<FlowEventBatch> _free = new();
    private readonly BatchWorker<FlowEventBatch> _worker;
    private FlowEventBatch _filling;

    public FlowEventRelay(SessionTracker tracker)
    {
        _tracker = tracker;
        for (int i = 0; i < BatchesInFlight + 1; i++)
            _free.Add(new FlowEventBatch());
        _filling = _free.Take();
        _worker = new BatchWorker<FlowEventBatch>("sensor-sessions", BatchesInFlight, Replay, _free.CompleteAdding);
    }

    public void OnFlowStart(TcpFlow flow)
    {
        Room().AddStart(flow);
        _screen.OnFlowStart(flow);
    }

    public void OnGap(TcpFlow flow, Direction direction, long missingBytes) => Room().AddGap(flow, direction, missingBytes);
    public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) => Room().AddAnomaly(flow, direction, anomaly, detail);
    public void OnConflict(TcpFlow flow, Direction direction, ReadOnlySpan<byte> kept, ReadOnlySpan<byte> other)
    {
        if (flow.Ignored)
            return;
        if (!_filling.HasRoomForConflict(kept.Length, other.Length))
            Push();
        _filling.AddConflict(flow, direction, kept, other);
    }

    public void OnFlowEnd(TcpFlow flow, FlowEndReason reason)
    {
        Room().AddEnd(flow, reason);
        _screen.OnFlowEnd(flow);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data)
    {
        var rest = data;
        while (!rest.IsEmpty && !flow.Ignored)
            rest = rest[Room().AddData(flow, direction, rest)..];
        _screen.OnData(flow, direction, data);
    }

    /// <summary>
    /// Hands a partly filled (or empty) batch to the worker now, without waiting for it to fill: live capture
    /// calls this when the wire is quiet, so sessions that ended are reported within a read timeout.
    /// </summary>
    public void Push()
    {
        // Even empty: the sessions stage then releases verdicts whose grace has passed on a quiet wire.
        _worker.Add(_filling);
        _filling = TakeFree();
    }

    /// <summary>
    /// Hands over what is filled and waits until the worker has replayed it all; the worker goes on. Live
    /// capture's workers all do this before any ends its flows, so what one worker's sessions taught the
    /// shared server knowledge is known when another judges the sessions it ends.
    /// </summary>
    public void Drain()
    {
        Push();
        // Every batch but the one being filled is back in the free pool once the worker has replayed it.
        while (_free.Count < BatchesInFlight && !_worker.Failed)
            Thread.Sleep(1);
        _worker.ThrowIfFailed();
    }

    /// <summary>Hands over the last batch, waits until the worker has replayed everything, rethrows what it failed with.</summary>
    public void Finish()
    {
        if (_filling.Count > 0)
            _worker.Add(_filling);
        _worker.Complete();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FlowEventBatch Room()
    {
        if (!_filling.IsFull)
            return _filling;
        _worker.Add(_filling);
        _filling = TakeFree();
        return _filling;
    }

    private FlowEventBatch TakeFree()
    {
        try
        {
            return _free.Take();
        }
        catch (InvalidOperationException) when (_worker.Failed)
        {
            _worker.ThrowIfFailed();
            throw;
        }
    }

    /// <summary>On the worker: replays one batch into the sessions stage and gives it back to be filled again.</summary>
    private void Replay(FlowEventBatch batch)
    {
        batch.ReplayTo(_tracker);
        _tracker.OnBatchReplayed();
        batch.Clear();
        _free.Add(batch);
    }

    /// <summary>Stops the worker even when the run failed before <see cref="Finish"/>.</summary>
    public void Dispose() => _worker.Dispose();
}
