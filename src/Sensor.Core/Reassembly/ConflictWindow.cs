using System.Runtime.CompilerServices;
using System.Buffers;

namespace Sensor.Core.Reassembly;

/// <summary>
/// A ring of the last bytes delivered in one direction, indexed by sequence number modulo its
/// power-of-two size (2^32 is a multiple of it, so indexes stay right across wraparound). It lets a
/// retransmission of delivered data be compared with what was delivered: first wins, a difference is
/// an OverlapConflict. The append is a memcpy into a pooled buffer, not an allocation.
/// </summary>
internal struct ConflictWindow
{
    private byte[]? _ring;
    private int _size;
    private uint _end;      // sequence number one past the last byte held
    private int _filled;    // bytes held, ending at _end

    /// <summary>Rents the ring; returns the bytes rented (0 when off) for the buffer budget.</summary>
    public int Start(int size, uint startSeq)
    {
        if (size <= 0 || (size & (size - 1)) != 0)
            return 0;
        _ring = ArrayPool<byte>.Shared.Rent(size);
        _size = size;
        _end = startSeq;
        _filled = 0;
        return _ring.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(uint seq, ReadOnlySpan<byte> data)
    {
        if (_ring is null)
            return;
        if (seq != _end)
            _filled = 0;    // a gap was skipped: older bytes no longer touch the new ones
        if (data.Length > _size)
        {
            seq += (uint)(data.Length - _size);
            data = data[^_size..];
        }
        CopyIn(seq, data);
        _end = seq + (uint)data.Length;
        _filled = Math.Min(_size, _filled + data.Length);
    }

    /// <summary>True when part of [seq, seq+len) is still in the ring and differs from <paramref name="data"/>.</summary>
    public readonly bool Differs(uint seq, ReadOnlySpan<byte> data)
    {
        if (!HeldPart(ref seq, ref data))
            return false;
        for (int i = 0; i < data.Length; i++)
        {
            if (_ring![(int)((seq + (uint)i) & (uint)(_size - 1))] != data[i])
                return true;
        }
        return false;
    }

    /// <summary>
    /// Narrows [seq, seq+len) to the part still in the ring and copies the delivered bytes of that part into
    /// <paramref name="kept"/> (at least as long as the ring); false when no part is held.
    /// </summary>
    public readonly bool Read(ref uint seq, ref ReadOnlySpan<byte> data, scoped Span<byte> kept)
    {
        if (!HeldPart(ref seq, ref data))
            return false;
        for (int i = 0; i < data.Length; i++)
            kept[i] = _ring![(int)((seq + (uint)i) & (uint)(_size - 1))];
        return true;
    }

    public readonly int Size => _size;

    private readonly bool HeldPart(ref uint seq, ref ReadOnlySpan<byte> data)
    {
        if (_ring is null || _filled == 0)
            return false;
        uint start = _end - (uint)_filled;
        if (SequenceNumber.Before(seq, start))
        {
            uint skip = start - seq;
            if (skip >= data.Length)
                return false;
            data = data[(int)skip..];
            seq = start;
        }
        if (!SequenceNumber.Before(seq, _end))
            return false;
        data = data[..(int)Math.Min(data.Length, _end - seq)];
        return true;
    }

    public int Release()
    {
        if (_ring is null)
            return 0;
        int length = _ring.Length;
        ArrayPool<byte>.Shared.Return(_ring);
        _ring = null;
        return length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void CopyIn(uint seq, ReadOnlySpan<byte> data)
    {
        int at = (int)(seq & (uint)(_size - 1));
        int first = Math.Min(data.Length, _size - at);
        data[..first].CopyTo(_ring.AsSpan(at));
        data[first..].CopyTo(_ring);
    }
}
