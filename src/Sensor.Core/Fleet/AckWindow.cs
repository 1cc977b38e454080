namespace Sensor.Core.Fleet;

/// <summary>
/// The records published and not acknowledged yet, at most <paramref name="capacity"/>: each gets the next
/// send number (carried in its reply subject, so an ack finds its record whatever order acks come in) and
/// the outbox position it ends at. Only the acknowledged prefix leaves the outbox, so a record whose ack
/// came early waits for those before it. Send numbers only grow: an ack from before a <see cref="Reset"/>
/// (a send that was given up on) falls outside the window and is ignored.
/// </summary>
public sealed class AckWindow(int capacity)
{
    private readonly JournalPosition[] _ends = new JournalPosition[capacity];
    private readonly bool[] _done = new bool[capacity];
    private long _first; // the oldest send not acknowledged
    private long _next;

    public int Count => (int)(_next - _first);
    public bool Full => Count == capacity;

    /// <summary>Takes a send; its number goes in the reply subject.</summary>
    public long Add(JournalPosition end)
    {
        var send = _next++;
        _ends[send % capacity] = end;
        _done[send % capacity] = false;
        return send;
    }

    /// <summary>False when <paramref name="send"/> is not waiting (acknowledged already, or given up on).</summary>
    public bool IsWaiting(long send) => send >= _first && send < _next && !_done[send % capacity];

    /// <summary>False when <paramref name="send"/> is not waiting (acknowledged already, or given up on).</summary>
    public bool MarkDone(long send)
    {
        if (!IsWaiting(send))
            return false;
        _done[send % capacity] = true;
        return true;
    }

    /// <summary>Takes the acknowledged prefix off: how many records, and where the last of them ends.</summary>
    public (int Records, JournalPosition End) Advance()
    {
        var (records, end) = (0, default(JournalPosition));
        while (_first < _next && _done[_first % capacity])
        {
            end = _ends[_first % capacity];
            _first++;
            records++;
        }
        return (records, end);
    }

    /// <summary>Gives up on every send waiting: they are sent again under new numbers.</summary>
    public void Reset() => _first = _next;
}
