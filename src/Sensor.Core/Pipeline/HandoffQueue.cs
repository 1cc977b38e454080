namespace Sensor.Core.Pipeline;

/// <summary>
/// A FIFO between pipeline threads, optionally bounded, whose waits block at once. BlockingCollection
/// waits through SemaphoreSlim, which first spins with sched_yield: a replay's JSON thread, idle most
/// of the time, yielded about 23,000 times a run and spent 5% of the run's CPU being switched in and
/// out, on a machine whose two cores the capture and sessions threads need (bench/README.md).
/// Here a waiting thread sleeps on the monitor until an item, room or the end comes.
/// </summary>
internal sealed class HandoffQueue<T>
{
    private readonly Queue<T> _items = new();
    private readonly int _capacity;
    // A plain object: Monitor.Wait and Pulse need the monitor, which System.Threading.Lock does not use.
    private readonly object _gate = new();
    private bool _completed;

    /// <param name="capacity">items held at most before <see cref="Add"/> waits; 0: no bound</param>
    public HandoffQueue(int capacity = 0) => _capacity = capacity;

    public int Count
    {
        get
        {
            lock (_gate)
                return _items.Count;
        }
    }

    public bool IsAddingCompleted
    {
        get
        {
            lock (_gate)
                return _completed;
        }
    }

    /// <summary>Queues an item, waiting while the queue is full; an InvalidOperationException once adding is complete.</summary>
    public void Add(T item)
    {
        lock (_gate)
        {
            while (_capacity > 0 && _items.Count >= _capacity && !_completed)
                Monitor.Wait(_gate);
            if (_completed)
                throw new InvalidOperationException("the queue takes no more items");
            _items.Enqueue(item);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The oldest item, waiting for one; false when the queue is empty and adding is complete.</summary>
    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            while (_items.Count == 0 && !_completed)
                Monitor.Wait(_gate);
            if (!_items.TryDequeue(out item!))
                return false;
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>The oldest item, waiting for one; an InvalidOperationException when none can come any more.</summary>
    public T Take() => TryTake(out var item) ? item : throw new InvalidOperationException("the queue is empty and takes no more items");

    /// <summary>No more items: waiting takers and adders wake; what is queued can still be taken.</summary>
    public void CompleteAdding()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
