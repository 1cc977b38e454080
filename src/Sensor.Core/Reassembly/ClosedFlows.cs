using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// Flows that ended with both FINs, remembered for a TIME-WAIT of capture time (RFC 9293 §3.6.1:
/// 2 MSL) so that a retransmission of their last bytes (a FIN with data whose ACK was lost, Exim's
/// reply-and-close) is not taken for a new flow picked up mid-stream, which would make a phantom
/// session. Bounded: past <see cref="MaxRemembered"/> the oldest is forgotten first.
/// </summary>
internal sealed class ClosedFlows
{
    public const int MaxRemembered = 65536;
    private static readonly long TimeWaitTicks = TimeSpan.FromMinutes(2).Ticks;
    // Bytes may only be retransmitted from within the last window before the FIN; further back the
    // 4-tuple is more likely a new connection whose SYN was missed.
    private const uint MaxRetransmitDistance = 1 << 20;

    private readonly record struct Closed(long Ticks, Endpoint Initiator, uint InitiatorFin, uint ResponderFin);

    private readonly Dictionary<FlowKey, Closed> _closed = new();
    private readonly Queue<(FlowKey Key, long Ticks)> _order = new();

    public int Count => _closed.Count;

    /// <summary>Entries in the expiry queue: what <see cref="MaxRemembered"/> bounds.</summary>
    public int Queued => _order.Count;

    /// <summary>A flow whose two sides both delivered everything up to their FIN.</summary>
    public void Remember(TcpFlow flow, long now)
    {
        var initiator = flow.InitiatorStream!;
        // The queue holds every entry, forgotten ones too until they expire: it is what must be bounded.
        while (_order.Count >= MaxRemembered && _order.TryDequeue(out var oldest))
            Drop(oldest);
        _closed[flow.Key] = new Closed(now, initiator.Sender, initiator.FinSequence, flow.ResponderStream!.FinSequence);
        _order.Enqueue((flow.Key, now));
    }

    /// <summary>True for data of a closed flow that ends at or before that side's FIN.</summary>
    public bool IsRetransmission(FlowKey key, in TcpSegment segment)
    {
        if (segment.Has(TcpFlags.Syn) || !_closed.TryGetValue(key, out var closed))
            return false;
        uint fin = segment.Source.Equals(closed.Initiator) ? closed.InitiatorFin : closed.ResponderFin;
        uint end = unchecked(segment.Sequence + (uint)segment.Payload.Length);
        return unchecked(fin - end) <= MaxRetransmitDistance;
    }

    /// <summary>A SYN on the 4-tuple: a new connection, nothing of the old one to absorb.</summary>
    public void Forget(FlowKey key) => _closed.Remove(key);

    public void Expire(long now)
    {
        while (_order.TryPeek(out var head) && now - head.Ticks >= TimeWaitTicks)
            Drop(_order.Dequeue());
    }

    /// <summary>Removes the entry a queue item stands for, unless the flow was remembered again since (or forgotten).</summary>
    private void Drop((FlowKey Key, long Ticks) entry)
    {
        // One lookup in the usual case; an entry remembered again since goes back (rare: a 4-tuple closed twice within 2 minutes).
        if (_closed.Remove(entry.Key, out var closed) && closed.Ticks != entry.Ticks)
            _closed.Add(entry.Key, closed);
    }
}
