using System.Runtime.CompilerServices;
using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// All TCP flows being reassembled. Feed it decoded segments in capture order with
/// <see cref="Process"/>; it expires idle flows as capture time advances and ends the rest on
/// <see cref="Flush"/>. Not thread-safe: one table per capture thread.
/// </summary>
public sealed partial class FlowTable
{
    private readonly Dictionary<FlowKey, TcpFlow> _flows = new();
    // Least recently active first: timeouts and evictions look only at the heads, never scan the table.
    // Flows that have carried no payload yet (all of a SYN flood's) wait in their own list and are
    // evicted first, so a flood of new connections cannot push out a mail session waiting on its peer.
    private readonly LinkedList<TcpFlow> _silent = new();
    private readonly LinkedList<TcpFlow> _idle = new();
    private readonly ClosedFlows _closed = new();

    /// <summary>Closed flows remembered against retransmissions of their last bytes.</summary>
    internal ClosedFlows Closed => _closed;
    private readonly ReassemblyContext _context;
    private readonly long _idleTicks;
    private long _now = long.MinValue;

    public FlowTable(IFlowObserver observer, ReassemblyLimits? limits = null)
    {
        limits ??= ReassemblyLimits.Default;
        limits.Validate();
        _context = new ReassemblyContext(observer, limits);
        _idleTicks = _context.Limits.IdleTimeout.Ticks;
    }

    public ReassemblyStats Stats => _context.Stats;
    public ReassemblyLimits Limits => _context.Limits;

    /// <summary>The latest capture time seen (long.MinValue before the first frame).</summary>
    public long Now => _now;
    public int Count => _flows.Count;

    /// <summary>Reassembles one segment; the observer is called before this returns.</summary>
    // AggressiveOptimization here and on the rest of the per-packet path (read, decode, reassembly,
    // relay): a replay keeps jitting new methods as new kinds of sessions come, which delays tiered
    // compilation's call counting, so this code ran unoptimised for a good part of a run (measured:
    // capture thread CPU 1.0-1.25 s -> 0.75-0.9 s on the benchmark capture, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(in TcpSegment segment)
    {
        Stats.Segments++;
        AdvanceTime(segment.TimestampTicks);
        var key = FlowKey.From(segment.Source, segment.Destination, segment.Network);
        if (!_flows.TryGetValue(key, out var flow))
        {
            // A late ACK or a stray FIN/RST after the flow ended must not start a phantom flow.
            // So must a retransmission of a closed flow's last bytes.
            if ((!segment.Has(TcpFlags.Syn) && segment.Payload.IsEmpty) || _closed.IsRetransmission(key, segment))
            {
                Stats.UntrackedSegments++;
                return;
            }
            if (segment.Has(TcpFlags.Syn))
                _closed.Forget(key);
            flow = Create(key, segment);
        }
        else if (IsNewConnection(flow, segment))
        {
            End(flow, FlowEndReason.Closed);
            flow = Create(key, segment);
        }
        Touch(flow, segment.TimestampTicks, !segment.Payload.IsEmpty);
        if (flow.Ignored)
            ProcessIgnored(flow, segment);
        else
            ProcessTracked(flow, segment);
    }

    /// <summary>Moves capture time forward and ends flows idle for longer than the timeout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AdvanceTime(long timestampTicks)
    {
        if (timestampTicks <= _now)
            return;
        _now = timestampTicks;
        _closed.Expire(_now);
        EndIdle(_silent);
        EndIdle(_idle);
    }

    private void EndIdle(LinkedList<TcpFlow> flows)
    {
        while (flows.First is { } oldest && _now - oldest.Value.LastTicks >= _idleTicks)
        {
            Stats.FlowsTimedOut++;
            End(oldest.Value, FlowEndReason.IdleTimeout);
        }
    }

    /// <summary>An anomaly found below TCP (IP reassembly) for the flow <paramref name="segment"/> belongs to, if one is tracked.</summary>
    public void RaiseAnomaly(in TcpSegment segment, ReassemblyAnomaly anomaly, string detail)
    {
        if (!_flows.TryGetValue(FlowKey.From(segment.Source, segment.Destination), out var flow))
            return;
        var direction = segment.Source == flow.Client ? Direction.ClientToServer : Direction.ServerToClient;
        _context.Observer.OnAnomaly(flow, direction, anomaly, detail);
    }

    /// <summary>End of capture: delivers what is held (skipping holes) and ends every flow.</summary>
    public void Flush()
    {
        while ((_silent.First ?? _idle.First) is { } oldest)
            End(oldest.Value, FlowEndReason.EndOfCapture);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessTracked(TcpFlow flow, in TcpSegment segment)
    {
        var stream = flow.StreamFrom(segment.Source);
        if (!stream.PassesChecksum(segment))
            return;
        var peer = flow.StreamFrom(segment.Destination);
        if (segment.Has(TcpFlags.Syn))
            flow.RecordHandshake(segment);
        // SYN/ACK.ack is the client's ISN + 1: with the SYN missed, nothing of the client is lost.
        if (segment.Has(TcpFlags.Syn) && segment.Has(TcpFlags.Ack) && !peer.Started)
            peer.StartAt(segment.Acknowledgment, fromHandshake: true);
        stream.OnSegment(segment);
        if (segment.Has(TcpFlags.Ack))
            peer.OnPeerAck(segment.Acknowledgment);
        if (flow.Ignored)
            ReleaseIgnored(flow);
        if (segment.Has(TcpFlags.Rst))
            OnReset(flow, stream, segment.Sequence);
        else if (stream.Complete && peer.Complete)
        {
            _closed.Remember(flow, _now);
            End(flow, FlowEndReason.Closed);
        }
    }

    /// <summary>A RST ends the flow only at the receiver's next sequence number; elsewhere it is counted and named (RFC 5961 §3.2).</summary>
    private void OnReset(TcpFlow flow, StreamReassembler stream, uint sequence)
    {
        if (stream.ResetEnds(sequence))
        {
            End(flow, FlowEndReason.Reset);
            return;
        }
        Stats.ResetsIgnored++;
        _context.Observer.OnAnomaly(flow, stream.Sender == flow.Client ? Direction.ClientToServer : Direction.ServerToClient,
            ReassemblyAnomaly.ResetIgnored, $"RST at sequence {sequence}, not the next expected {stream.NextSequence}: challenge ACK, the connection goes on");
    }

    /// <summary>Not mail: no buffering, no delivery; only watch for the end so the entry goes away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessIgnored(TcpFlow flow, in TcpSegment segment)
    {
        ReleaseIgnored(flow);
        var stream = flow.StreamFrom(segment.Source);
        stream.OnSegment(segment);
        if (segment.Has(TcpFlags.Rst))
            End(flow, FlowEndReason.Reset);
        else if (stream.FinSeen && flow.StreamFrom(segment.Destination).FinSeen)
            End(flow, FlowEndReason.Closed);
    }

    private static void ReleaseIgnored(TcpFlow flow)
    {
        if (flow.BuffersReleased)
            return;
        flow.BuffersReleased = true;
        flow.InitiatorStream!.Release();
        flow.ResponderStream!.Release();
    }

    /// <summary>
    /// A SYN (without ACK) other than the one the stream began with: the 4-tuple was reused for a new
    /// connection while the old one was still in the table (its FIN/RST missed). The old flow ends.
    /// </summary>
    private static bool IsNewConnection(TcpFlow flow, in TcpSegment segment)
    {
        if (!segment.Has(TcpFlags.Syn) || segment.Has(TcpFlags.Ack))
            return false;
        var stream = flow.StreamFrom(segment.Source);
        return stream.Started && stream.SynSequence != segment.Sequence;
    }
}
