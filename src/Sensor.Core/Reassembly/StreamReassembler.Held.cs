namespace Sensor.Core.Reassembly;

internal sealed partial class StreamReassembler
{
    // Sorted by sequence, non-overlapping, all after NextSequence; created on the first hole only.
    private List<HeldSegment>? _held;
    private int _heldBytes;

    public int HeldBytes => _heldBytes;

    /// <summary>
    /// Keeps out-of-order data until the hole before it fills. Bytes already held win over the new
    /// ones (first wins); a difference is an OverlapConflict. Past a cap the hole is given up instead.
    /// </summary>
    private void Hold(uint sequence, ReadOnlySpan<byte> data)
    {
        if (!CapsAllow(data.Length))
        {
            SkipAllHoles();
            SkipTo(sequence);
            Accept(sequence, data);
            return;
        }
        _held ??= new List<HeldSegment>(4);
        InsertFirstWins(sequence, data);
    }

    private void InsertFirstWins(uint sequence, ReadOnlySpan<byte> data)
    {
        bool overlapped = false;
        int index = 0;
        while (!data.IsEmpty && index < _held!.Count)
        {
            var held = _held[index];
            uint end = sequence + (uint)data.Length;
            if (SequenceNumber.AtOrBefore(end, held.Sequence))
                break;
            if (SequenceNumber.Before(sequence, held.Sequence))
            {
                int before = (int)(held.Sequence - sequence);
                Store(index++, sequence, data[..before]);
                sequence += (uint)before;
                data = data[before..];
                continue;
            }
            if (SequenceNumber.Before(sequence, held.End))
            {
                int offset = (int)(sequence - held.Sequence);
                int overlap = Math.Min(data.Length, held.Length - offset);
                if (!held.Data.Slice(offset, overlap).SequenceEqual(data[..overlap]))
                    Conflict(sequence, "overlapping bytes differ from the bytes held");
                overlapped = true;
                sequence += (uint)overlap;
                data = data[overlap..];
            }
            index++;
        }
        if (!data.IsEmpty)
            Store(index, sequence, data);
        if (overlapped)
            Stats.Overlaps++;
    }

    private void Store(int index, uint sequence, ReadOnlySpan<byte> data)
    {
        var segment = new HeldSegment(sequence, data);
        _held!.Insert(index, segment);
        _heldBytes += segment.Buffer.Length;
        Stats.AddBuffered(segment.Buffer.Length);
    }

    /// <summary>Delivers held data that now starts at or before NextSequence.</summary>
    private void DrainHeld()
    {
        while (_held is { Count: > 0 } && SequenceNumber.AtOrBefore(_held[0].Sequence, NextSequence))
        {
            var held = _held[0];
            _held.RemoveAt(0);
            if (SequenceNumber.After(held.End, NextSequence))
                Emit(held.Data[(int)(NextSequence - held.Sequence)..]);
            Forget(held);
        }
    }

    /// <summary>Checks the per-direction and global caps; reports the one crossed.</summary>
    private bool CapsAllow(int length)
    {
        var limits = _context.Limits;
        int rented = PooledSize(length);
        bool flowFull = _heldBytes + rented > limits.MaxOutOfOrderBytesPerDirection
            || (_held?.Count ?? 0) >= limits.MaxOutOfOrderSegmentsPerDirection;
        if (flowFull)
        {
            Stats.FlowBufferCapHits++;
            Observer.OnAnomaly(_flow, CurrentDirection, ReassemblyAnomaly.FlowBufferCap,
                $"out-of-order data over {limits.MaxOutOfOrderBytesPerDirection} bytes or {limits.MaxOutOfOrderSegmentsPerDirection} segments; hole skipped");
            return false;
        }
        if (!_context.GlobalBudgetAllows(rented))
        {
            Stats.GlobalBufferCapHits++;
            Observer.OnAnomaly(_flow, CurrentDirection, ReassemblyAnomaly.GlobalBufferCap,
                $"all flows' buffered data over {limits.MaxTotalBufferedBytes} bytes; hole skipped");
            return false;
        }
        return true;
    }

    /// <summary>What ArrayPool.Shared hands out for a request: caps count real memory, not payload bytes.</summary>
    private static int PooledSize(int length) => (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length));

    private void Forget(HeldSegment held)
    {
        _heldBytes -= held.Buffer.Length;
        Stats.AddBuffered(-held.Buffer.Length);
        held.Return();
    }

    private void ReleaseHeld()
    {
        if (_held is null)
            return;
        foreach (var held in _held)
            Forget(held);
        _held.Clear();
    }
}
