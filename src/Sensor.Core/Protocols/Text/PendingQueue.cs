using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Text;

/// <summary>
/// Commands waiting for their replies, in order (SMTP RFC 2920 §3.1, POP3 RFC 1939 §3). Bounded:
/// past <see cref="Cap"/> the oldest is dropped and the drop reported, so a client that never reads
/// replies cannot grow it without limit.
/// </summary>
internal sealed class PendingQueue<T>(int cap)
{
    private readonly Queue<T> _items = new();

    public int Cap { get; } = cap;

    public int Count => _items.Count;

    public void Enqueue(T item, IMailEventSink sink)
    {
        if (_items.Count >= Cap)
        {
            _items.Dequeue();
            PendingDrop.Report(sink, Cap);
        }
        _items.Enqueue(item);
    }

    public void Enqueue(T item) => _items.Enqueue(item);

    public T Peek() => _items.Peek();

    public T Dequeue() => _items.Dequeue();

    /// <summary>Drops the head when it is <paramref name="item"/> (a greeting lost to a gap).</summary>
    public void DropHead(T item)
    {
        if (_items.Count > 0 && EqualityComparer<T>.Default.Equals(_items.Peek(), item))
            _items.Dequeue();
    }

    public void Clear() => _items.Clear();
}

/// <summary>The one way every parser reports a command dropped unanswered at its cap (also IMAP's tagged commands).</summary>
internal static class PendingDrop
{
    public static void Report(IMailEventSink sink, int cap) =>
        sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.TooManyPending, $"over {cap} commands"));
}
