using System.Runtime.ExceptionServices;

namespace Sensor.Core.Pipeline;

/// <summary>
/// A thread of its own that takes batches, in the order they were added, from a bounded queue and
/// processes them. What processing fails with is kept: the sender gets it at its next
/// <see cref="Add"/> and at <see cref="Complete"/>, so a failure on the worker fails the run.
/// </summary>
internal sealed class BatchWorker<T> : IDisposable
{
    private readonly HandoffQueue<T> _queue;
    private readonly Action<T> _process;
    private readonly Action? _onFailure;
    private readonly Thread _thread;
    private volatile ExceptionDispatchInfo? _failure;

    /// <param name="onFailure">run on the worker after a failure, e.g. to wake a sender waiting for something only the worker gives back</param>
    public BatchWorker(string name, int capacity, Action<T> process, Action? onFailure = null)
    {
        _queue = new HandoffQueue<T>(capacity);
        _process = process;
        _onFailure = onFailure;
        _thread = new Thread(Work) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public bool Failed => _failure is not null;

    /// <summary>Rethrows what the worker failed with, if it failed.</summary>
    public void ThrowIfFailed() => _failure?.Throw();

    /// <summary>Queues a batch, waiting while the queue is full.</summary>
    public void Add(T batch)
    {
        ThrowIfFailed();
        try
        {
            _queue.Add(batch);
        }
        catch (InvalidOperationException) when (_failure is not null)
        {
            _failure.Throw();
        }
    }

    /// <summary>No more batches: waits until every queued one is processed, then rethrows a failure.</summary>
    public void Complete()
    {
        if (!_queue.IsAddingCompleted)
            _queue.CompleteAdding();
        _thread.Join();
        ThrowIfFailed();
    }

    private void Work()
    {
        try
        {
            while (_queue.TryTake(out var batch))
                _process(batch);
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            _queue.CompleteAdding();
            _onFailure?.Invoke();
        }
    }

    /// <summary>Stops the worker even when the run failed before <see cref="Complete"/>; never throws.</summary>
    public void Dispose()
    {
        if (!_queue.IsAddingCompleted)
            _queue.CompleteAdding();
        _thread.Join();
    }
}
