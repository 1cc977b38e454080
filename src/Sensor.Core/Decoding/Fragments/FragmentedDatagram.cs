using System.Buffers;
using System.Numerics;

namespace Sensor.Core.Decoding.Fragments;

/// <summary>
/// One datagram being put back together. Holds the fragmentable part's bytes in a pooled buffer and
/// which ranges arrived as "runs", the way Linux's reassembly queue does (net/ipv4/inet_fragment.c):
/// a fragment starting exactly where the highest run ends extends it, any other starts a run of its own.
/// <para>Overlap policy (Linux since 4.19 for IPv4, RFC 5722 with its erratum 3089 for IPv6): a
/// fragment wholly inside one run is a duplicate and dropped, so the first bytes stay, whatever it
/// carried; a fragment overlapping held data otherwise makes Linux discard the whole datagram. The
/// sensor does the same when the overlapping bytes differ; when they are the same it takes the fragment,
/// since every stack that accepts it gets those bytes and Linux gets them again from the retransmission.</para>
/// </summary>
internal sealed class FragmentedDatagram(FragmentKey key, long firstTicks)
{
    /// <summary>Bookkeeping charged per datagram and per run on top of the buffers, so a flood of tiny fragments is bounded too.</summary>
    public const int OverheadBytes = 256;
    public const int RunBytes = 16;
    private const int HeaderMinimum = 64;

    private readonly List<Run> _runs = [];
    private byte[] _data = [];
    private byte[] _header = [];

    public FragmentKey Key => key;
    public long FirstTicks => firstTicks;
    public LinkedListNode<FragmentedDatagram>? AgeNode { get; set; }

    /// <summary>Bytes this datagram is charged against the defragmenter's cap.</summary>
    public long ChargedBytes => OverheadBytes + _data.Length + _header.Length + (long)_runs.Count * RunBytes;

    /// <summary>Set once the last fragment (More Fragments clear) arrived: the fragmentable part's length.</summary>
    public int Length { get; private set; } = -1;
    public int HeaderLength { get; private set; }
    public int NextHeaderField { get; private set; }
    public byte Carried { get; private set; }
    public bool HasFirst => HeaderLength > 0;
    public bool Conflicted { get; private set; }
    public bool Complete => Length >= 0 && _covered == Length;
    public bool IsEmpty => _runs.Count == 0;

    private int _covered;
    private int HighestEnd => _runs.Count == 0 ? 0 : _runs[^1].End;

    /// <summary>How many more bytes taking <paramref name="fragment"/> may charge: buffer growth, its header if first, a run.</summary>
    public long GrowthFor(in IpFragment fragment) => Growth(_data.Length, HasFirst, fragment);

    /// <summary>What the first fragment of a new datagram charges.</summary>
    public static long ChargeForNew(in IpFragment fragment) => OverheadBytes + Growth(0, hasFirst: false, fragment);

    private static long Growth(int buffered, bool hasFirst, in IpFragment fragment)
    {
        long growth = RunBytes;
        if (fragment.End > buffered)
            growth += BufferSize(fragment.End) - buffered;
        if (fragment.Offset == 0 && !hasFirst)
            growth += BufferSize(fragment.Header.Length, HeaderMinimum);
        return growth;
    }

    public void EnsureCapacity(int end)
    {
        if (end <= _data.Length)
            return;
        var grown = ArrayPool<byte>.Shared.Rent(BufferSize(end));
        _data.AsSpan(0, HighestEnd).CopyTo(grown);
        ReturnData();
        _data = grown;
    }

    // The shared pool hands out powers of two: what is charged is what is rented.
    private static int BufferSize(int bytes, int minimum = 512) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(bytes, minimum));

    /// <summary>Applies the length rules, then the overlap policy, to one fragment (RFC 791 §3.2, RFC 8200 §4.5).</summary>
    public FragmentInsert Insert(in IpFragment fragment)
    {
        int offset = fragment.Offset, end = fragment.End;
        if (!fragment.More)
        {
            // A last fragment short of bytes already held, or a second last fragment with another end: corrupt.
            if (end < HighestEnd || (Length >= 0 && end != Length))
                return FragmentInsert.Inconsistent;
            Length = end;
        }
        else
        {
            // Every fragment but the last carries whole 8-octet units; Linux trims an IPv4 tail and drops the IPv6 fragment.
            if ((end & 7) != 0 && key.IsV6)
                return FragmentInsert.Unusable;
            end &= ~7;
            if (Length >= 0 && end > Length)
                return FragmentInsert.Inconsistent;
        }
        if (end <= offset)
            return FragmentInsert.Unusable;
        var data = fragment.Data[..(end - offset)];
        var result = Place(offset, data);
        if (offset == 0 && !HasFirst && result is FragmentInsert.Taken or FragmentInsert.IdenticalOverlap)
            KeepHeader(fragment);
        if (result == FragmentInsert.ConflictKeptFirst)
            Conflicted = true;
        return result;
    }

    /// <summary>The fragmentable part received so far from offset 0 without a hole.</summary>
    public ReadOnlySpan<byte> ContiguousData()
    {
        int end = 0;
        foreach (var run in _runs)
        {
            if (run.Start > end)
                break;
            end = Math.Max(end, run.End);
        }
        return _data.AsSpan(0, end);
    }

    public ReadOnlySpan<byte> Header => _header.AsSpan(0, HeaderLength);

    /// <summary>Gives the buffers back to the pool; the datagram is not used after this.</summary>
    public void Release()
    {
        ReturnData();
        if (_header.Length > 0)
            ArrayPool<byte>.Shared.Return(_header);
        _header = [];
        _runs.Clear();
    }

    private FragmentInsert Place(int offset, ReadOnlySpan<byte> data)
    {
        int end = offset + data.Length;
        int first = FirstRunEndingAfter(offset);
        int last = first;
        bool identical = true;
        int overlapped = 0;
        for (; last < _runs.Count && _runs[last].Start < end; last++)
        {
            int from = Math.Max(offset, _runs[last].Start), to = Math.Min(end, _runs[last].End);
            overlapped += to - from;
            identical &= _data.AsSpan(from, to - from).SequenceEqual(data.Slice(from - offset, to - from));
        }
        if (last == first)
            return Add(first, offset, data);
        if (last == first + 1 && _runs[first].Start <= offset && end <= _runs[first].End)
            return identical ? FragmentInsert.Duplicate : FragmentInsert.ConflictKeptFirst;
        if (!identical)
            return FragmentInsert.ConflictDropsDatagram;
        data.CopyTo(_data.AsSpan(offset));
        _covered += data.Length - overlapped;
        var merged = new Run(Math.Min(offset, _runs[first].Start), Math.Max(end, _runs[last - 1].End));
        _runs.RemoveRange(first, last - first);
        _runs.Insert(first, merged);
        return FragmentInsert.IdenticalOverlap;
    }

    /// <summary>New bytes touching no run: the highest run grows when they start at its end, otherwise they are a run of their own.</summary>
    private FragmentInsert Add(int index, int offset, ReadOnlySpan<byte> data)
    {
        data.CopyTo(_data.AsSpan(offset));
        _covered += data.Length;
        int end = offset + data.Length;
        if (index == _runs.Count && index > 0 && _runs[index - 1].End == offset)
            _runs[index - 1] = _runs[index - 1] with { End = end };
        else
            _runs.Insert(index, new Run(offset, end));
        return FragmentInsert.Taken;
    }

    private int FirstRunEndingAfter(int offset)
    {
        int low = 0, high = _runs.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_runs[middle].End <= offset)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    private void KeepHeader(in IpFragment fragment)
    {
        _header = ArrayPool<byte>.Shared.Rent(BufferSize(fragment.Header.Length, HeaderMinimum));
        fragment.Header.CopyTo(_header);
        HeaderLength = fragment.Header.Length;
        NextHeaderField = fragment.NextHeaderField;
        Carried = fragment.Carried;
    }

    private void ReturnData()
    {
        if (_data.Length > 0)
            ArrayPool<byte>.Shared.Return(_data);
        _data = [];
    }

    private readonly record struct Run(int Start, int End);
}
