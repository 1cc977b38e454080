using System.Buffers;
using System.Runtime.CompilerServices;
using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// One direction of one flow: turns segments into in-order bytes handed to the observer exactly once.
/// In-order data goes straight from the packet span to the observer (no copy); only data after a hole
/// is copied, into pooled buffers, and only up to the caps in <see cref="ReassemblyLimits"/>.
/// </summary>
internal sealed partial class StreamReassembler
{
    private readonly TcpFlow _flow;
    private readonly ReassemblyContext _context;
    private ConflictWindow _window;
    private bool _announceResync;
    private uint _finSequence;
    private uint _sentEnd;  // one past the highest data byte this side sent (SND.NXT as the capture saw it)
    private bool _sentSeen;

    public StreamReassembler(TcpFlow flow, Endpoint sender, ReassemblyContext context)
    {
        _flow = flow;
        Sender = sender;
        _context = context;
    }

    public Endpoint Sender { get; }

    /// <summary>Worked out on each use: the next stage may swap the flow's roles (TcpFlow.SwapRoles).</summary>
    private Direction CurrentDirection => Sender == _flow.Client ? Direction.ClientToServer : Direction.ServerToClient;

    public bool Started { get; private set; }
    /// <summary>The sequence number of the SYN this stream started from (seen, or implied by the SYN/ACK), if any.</summary>
    public uint? SynSequence { get; private set; }
    /// <summary>The sequence number of the next byte to deliver.</summary>
    public uint NextSequence { get; private set; }
    public bool FinSeen { get; private set; }
    /// <summary>The sequence number the FIN occupies (the end of the data), once <see cref="FinSeen"/>.</summary>
    public uint FinSequence => _finSequence;
    /// <summary>True once everything up to the FIN has been delivered (or skipped).</summary>
    public bool Complete => FinSeen && SequenceNumber.AtOrBefore(_finSequence, NextSequence);

    private IFlowObserver Observer => _context.Observer;
    private ReassemblyStats Stats => _context.Stats;

    /// <summary>
    /// Starts the stream. From a handshake the first byte is known; otherwise the stream was picked up
    /// mid-way and the observer is told (OnGap 0) before the first data so its parser resyncs.
    /// </summary>
    public void StartAt(uint sequence, bool fromHandshake)
    {
        Started = true;
        NextSequence = sequence;
        SynSequence = fromHandshake ? sequence - 1 : null;
        _announceResync = !fromHandshake;
        if (!_flow.Ignored && _context.WindowBudgetAllows(_context.Limits.ConflictWindowBytes))
            Stats.AddBuffered(_window.Start(_context.Limits.ConflictWindowBytes, sequence));
        else if (!_flow.Ignored && _context.Limits.ConflictWindowBytes > 0)
            Stats.ConflictWindowsSkipped++;
    }

    /// <summary>A segment sent in this stream's direction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnSegment(in TcpSegment segment)
    {
        bool syn = segment.Has(TcpFlags.Syn);
        uint dataSequence = syn ? segment.Sequence + 1 : segment.Sequence;
        if (!Started)
            StartAt(dataSequence, fromHandshake: syn);
        // A RST may carry diagnostic text (RFC 9293 §3.5.3); it is not part of the stream, nor does it say where the stream is.
        if (segment.Has(TcpFlags.Rst))
            return;
        uint end = dataSequence + (uint)segment.Payload.Length;
        if (SequenceNumber.After(end, _sentEnd) || !_sentSeen)
            (_sentEnd, _sentSeen) = (end, true);
        if (!_flow.Ignored)
            AcceptData(segment, dataSequence, end);
        if (segment.Has(TcpFlags.Fin) && !FinSeen)
        {
            FinSeen = true;
            _finSequence = end;
        }
    }

    private void AcceptData(in TcpSegment segment, uint dataSequence, uint end)
    {
        if (segment.Has(TcpFlags.Urg))
            MarkUrgent(segment.Sequence, segment.UrgentPointer);
        if (_suspects is { Count: > 0 })
            DropForgedOver(dataSequence, end);
        if (!segment.Payload.IsEmpty)
            Accept(dataSequence, segment.Payload);
    }

    /// <summary>
    /// RFC 5961 §3.2, as Linux implements it: a RST ends the connection only when its sequence number is
    /// exactly the receiver's RCV.NXT; one elsewhere in the window gets a challenge ACK and changes nothing.
    /// RCV.NXT is what was delivered in order (plus the FIN once it is), or, when the capture missed bytes
    /// the receiver may have had, the end of everything this side sent.
    /// </summary>
    public bool ResetEnds(uint sequence)
    {
        if (sequence == NextSequence || (_sentSeen && sequence == _sentEnd))
            return true;
        return FinSeen && (sequence == _finSequence + 1 || sequence == _sentEnd + 1);
    }

    /// <summary>
    /// The peer acknowledged <paramref name="ack"/>: bytes before it were received, so a hole before it
    /// that still has data held after it (or the FIN) will never be retransmitted: it was a capture drop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnPeerAck(uint ack)
    {
        if (!Started || _flow.Ignored || !InWindow(ack))
            return;
        if (_suspects is { Count: > 0 })
            AcceptAcknowledgedSuspects(ack);
        while (_held is { Count: > 0 } && SequenceNumber.AtOrBefore(_held[0].Sequence, ack))
            SkipTo(_held[0].Sequence);
        if (FinSeen && SequenceNumber.After(ack, _finSequence) && SequenceNumber.Before(NextSequence, _finSequence))
            SkipTo(_finSequence);
    }

    /// <summary>
    /// No receive window exceeds 2^30 bytes (RFC 7323 §2.3), so data or an ACK further ahead than that is
    /// not of this stream (a stale or forged segment) and must not open a hole or skip one.
    /// </summary>
    private bool InWindow(uint sequence) => sequence - NextSequence <= MaxWindow || SequenceNumber.Before(sequence, NextSequence);

    private const uint MaxWindow = 1u << 30;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accept(uint sequence, ReadOnlySpan<byte> data)
    {
        if (!InWindow(sequence))
        {
            Stats.OutOfWindowSegments++;
            return;
        }
        if (SequenceNumber.Before(sequence, NextSequence) && !TrimDelivered(ref sequence, ref data))
            return;
        if (sequence == NextSequence)
        {
            int direct = _held is { Count: > 0 } ? Math.Min(data.Length, (int)(_held[0].Sequence - sequence)) : data.Length;
            Emit(data[..direct]);
            sequence += (uint)direct;
            data = data[direct..];
        }
        if (!data.IsEmpty)
            Hold(sequence, data);
        DrainHeld();
    }

    /// <summary>Drops the already-delivered front of a segment, comparing it with what was delivered. False when nothing is left.</summary>
    private bool TrimDelivered(ref uint sequence, ref ReadOnlySpan<byte> data)
    {
        uint delivered = NextSequence - sequence;
        if (!IsKeepAlive(sequence, data) && _window.Differs(sequence, data))
            DeliveredConflict(sequence, data);
        if (delivered >= (uint)data.Length)
        {
            Stats.Retransmissions++;
            return false;
        }
        Stats.Overlaps++;
        data = data[(int)delivered..];
        sequence = NextSequence;
        return true;
    }

    /// <summary>
    /// A keep-alive probe may carry one garbage octet at SND.NXT-1 (RFC 9293 §3.8.4); it is not an
    /// attempt to rewrite the stream and is not compared.
    /// </summary>
    private bool IsKeepAlive(uint sequence, ReadOnlySpan<byte> data) => data.Length == 1 && sequence == NextSequence - 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Emit(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        if (_announceResync)
        {
            _announceResync = false;
            Observer.OnGap(_flow, CurrentDirection, 0);
        }
        if (_urgentPending && _urgentSequence - NextSequence < (uint)data.Length)
            DeliverAroundUrgent(data, (int)(_urgentSequence - NextSequence));
        else
            Observer.OnData(_flow, CurrentDirection, data);
        _window.Append(NextSequence, data);
        NextSequence += (uint)data.Length;
        Stats.BytesDelivered += data.Length;
        if (CurrentDirection == Direction.ClientToServer)
            _flow.BytesClientToServer += data.Length;
        else
            _flow.BytesServerToClient += data.Length;
    }

    /// <summary>Gives up on the bytes before <paramref name="sequence"/>: reports the hole, then delivers what is held after it.</summary>
    private void SkipTo(uint sequence)
    {
        if (SequenceNumber.After(sequence, NextSequence))
        {
            long missing = sequence - NextSequence;
            Stats.Gaps++;
            Stats.GapBytes += missing;
            _announceResync = false;   // OnGap itself tells the parser to resync
            Observer.OnGap(_flow, CurrentDirection, missing);
            NextSequence = sequence;
        }
        DrainHeld();
    }

    /// <summary>Delivers everything held, skipping holes: at flow end, or when a cap forces it.</summary>
    public void SkipAllHoles()
    {
        while (_held is { Count: > 0 })
            SkipTo(_held[0].Sequence);
    }

    /// <summary>
    /// A retransmission rewrites delivered bytes: the anomaly, and both versions of the range for the next
    /// stage (a server reply raced by an injected one). Rare, so the copy of the kept bytes is made here, on the stack.
    /// </summary>
    private void DeliveredConflict(uint sequence, ReadOnlySpan<byte> data)
    {
        Conflict(sequence, "retransmitted bytes differ from the bytes delivered");
        byte[]? rented = _window.Size > MaxStackCopy ? ArrayPool<byte>.Shared.Rent(_window.Size) : null;
        Span<byte> kept = rented ?? stackalloc byte[MaxStackCopy];
        if (_window.Read(ref sequence, ref data, kept))
            Observer.OnConflict(_flow, CurrentDirection, kept[..data.Length], data);
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
    }

    private const int MaxStackCopy = 4096;

    private void Conflict(uint sequence, string what)
    {
        Stats.OverlapConflicts++;
        Observer.OnAnomaly(_flow, CurrentDirection, ReassemblyAnomaly.OverlapConflict, $"{what} at sequence {sequence}; first seen kept");
    }

    /// <summary>Returns every pooled buffer; the stream delivers nothing more.</summary>
    public void Release()
    {
        Stats.AddBuffered(-_window.Release());
        ReleaseHeld();
        ReleaseSuspects(report: false);
    }
}
