using System.Buffers;
using System.Buffers.Binary;

namespace Sensor.Core.Decoding.Fragments;

/// <summary>
/// IPv4 and IPv6 reassembly (RFC 791 §3.2, RFC 8200 §4.5), bounded: every unfinished datagram is
/// charged for its buffers against <see cref="DefragmentLimits.MaxBufferedBytes"/>, the oldest is
/// evicted when a new fragment would cross it, and a datagram unfinished past its timeout, in capture
/// time, is given up. The overlap policy is the receiving Linux host's (<see cref="FragmentedDatagram"/>).
/// Pure: fragments and their capture times in, whole datagrams out; one instance per capture thread.
/// </summary>
public sealed class Defragmenter
{
    private const int MaxIpv4Datagram = 65535;
    private const int MaxIpv6Payload = 65535;

    /// <summary>What a defragmenter holds besides its cap: the one buffer whole datagrams are rebuilt in (64 KiB and IPv6's headers, rented as a power of two).</summary>
    public const int OutputBufferBytes = 128 * 1024;

    private readonly Dictionary<FragmentKey, FragmentedDatagram> _pending = new();
    // Oldest first, per version since their timeouts differ: timeouts and evictions look at the heads only.
    private readonly LinkedList<FragmentedDatagram> _ipv4ByAge = new();
    private readonly LinkedList<FragmentedDatagram> _ipv6ByAge = new();
    private readonly DefragmentLimits _limits;
    private readonly long _ipv4TimeoutTicks;
    private readonly long _ipv6TimeoutTicks;
    // One reusable buffer for the datagram handed out, outside the cap (OutputBufferBytes).
    private byte[] _output = [];
    private long _now = long.MinValue;

    public Defragmenter(DefragmentLimits? limits = null)
    {
        _limits = limits ?? DefragmentLimits.Default;
        _limits.Validate();
        _ipv4TimeoutTicks = _limits.Ipv4Timeout.Ticks;
        _ipv6TimeoutTicks = _limits.Ipv6Timeout.Ticks;
    }

    public DefragmentStats Stats { get; } = new();

    /// <summary>
    /// Takes one fragment (a whole IP packet with More Fragments set or a non-zero offset). When it
    /// completes its datagram, <paramref name="datagram"/> is the rebuilt IP packet; when the datagram is
    /// given up for a conflicting overlap or its size, it is what had arrived from offset 0 without a hole
    /// (headers first), so the anomaly can be put on the connection it belongs to. Valid until the next call.
    /// </summary>
    public FragmentOutcome Add(long ticks, ReadOnlySpan<byte> ipPacket, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        AdvanceTime(ticks);
        if (!IpFragment.TryRead(ipPacket, out var fragment))
        {
            Stats.Rejected++;
            return FragmentOutcome.Dropped;
        }
        Stats.Fragments++;
        if (fragment.Offset == 0 && fragment.Carried == 6 && fragment.Data.Length < 20)
            Stats.TinyFirstFragments++;
        _pending.TryGetValue(fragment.Key, out var pending);
        if (fragment.End > (fragment.Key.IsV6 ? MaxIpv6Payload : MaxIpv4Datagram - 20))
        {
            Stats.Oversize++;
            return GiveUp(pending, FragmentOutcome.Oversize, out datagram);
        }
        if (fragment.End > _limits.MaxDatagramBytes)
        {
            Stats.DatagramCapHits++;
            return GiveUp(pending, FragmentOutcome.Dropped, out datagram);
        }
        return Insert(ticks, pending, fragment, out datagram);
    }

    /// <summary>Moves capture time on and gives up datagrams unfinished past their timeout.</summary>
    public void AdvanceTime(long ticks)
    {
        if (ticks <= _now)
            return;
        _now = ticks;
        ExpireFrom(_ipv4ByAge, _ipv4TimeoutTicks);
        ExpireFrom(_ipv6ByAge, _ipv6TimeoutTicks);
    }

    private FragmentOutcome Insert(long ticks, FragmentedDatagram? pending, scoped in IpFragment fragment, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        long needed = pending?.GrowthFor(fragment) ?? FragmentedDatagram.ChargeForNew(fragment);
        if (!MakeRoom(needed, pending))
        {
            Stats.DatagramsEvicted++;
            if (pending is not null)
                Remove(pending);
            return FragmentOutcome.Dropped;
        }
        pending ??= Create(fragment.Key, ticks);
        long charged = pending.ChargedBytes;
        pending.EnsureCapacity(fragment.End);
        var insert = pending.Insert(fragment);
        Stats.AddBuffered(pending.ChargedBytes - charged);
        switch (insert)
        {
            case FragmentInsert.Duplicate: Stats.Duplicates++; break;
            case FragmentInsert.IdenticalOverlap: Stats.IdenticalOverlaps++; break;
            case FragmentInsert.ConflictKeptFirst: Stats.OverlapConflicts++; break;
            case FragmentInsert.ConflictDropsDatagram:
                Stats.OverlapConflicts++;
                Stats.DatagramsDroppedOnConflict++;
                return GiveUp(pending, FragmentOutcome.DroppedOnConflict, out datagram);
            case FragmentInsert.Inconsistent:
                Stats.Rejected++;
                return GiveUp(pending, FragmentOutcome.Dropped, out datagram);
            case FragmentInsert.Unusable:
                Stats.Rejected++;
                if (pending.IsEmpty)
                    Remove(pending);
                return FragmentOutcome.Dropped;
        }
        return pending.Complete ? Finish(pending, out datagram) : FragmentOutcome.Held;
    }

    private FragmentOutcome Finish(FragmentedDatagram pending, out ReadOnlySpan<byte> datagram)
    {
        datagram = Rebuild(pending, pending.ContiguousData());
        if (datagram.IsEmpty)
        {
            Stats.Oversize++;
            return GiveUp(pending, FragmentOutcome.Oversize, out datagram);
        }
        Stats.DatagramsReassembled++;
        var outcome = pending.Conflicted ? FragmentOutcome.ReassembledAfterConflict : FragmentOutcome.Reassembled;
        Remove(pending);
        return outcome;
    }

    /// <summary>Forgets the datagram; hands out what it had from offset 0 on, for the caller to name the connection.</summary>
    private FragmentOutcome GiveUp(FragmentedDatagram? pending, FragmentOutcome outcome, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        if (pending is null)
            return outcome;
        if (pending.HasFirst)
            datagram = Rebuild(pending, pending.ContiguousData());
        Remove(pending);
        return outcome;
    }

    /// <summary>
    /// The per-fragment headers of the first fragment with the data after them and the lengths made
    /// whole: IPv4 gets Total Length and a zero offset without More Fragments (RFC 791 §3.2); IPv6 loses
    /// its Fragment header, whose Next Header goes into the last per-fragment header (RFC 8200 §4.5).
    /// Empty when the result would be longer than IP allows.
    /// </summary>
    private ReadOnlySpan<byte> Rebuild(FragmentedDatagram pending, ReadOnlySpan<byte> data)
    {
        var header = pending.Header;
        int total = header.Length + data.Length;
        if (pending.Key.IsV6 ? total - 40 > MaxIpv6Payload : total > MaxIpv4Datagram)
            return default;
        if (_output.Length < total)
        {
            if (_output.Length > 0)
                ArrayPool<byte>.Shared.Return(_output);
            _output = ArrayPool<byte>.Shared.Rent(total);
        }
        var packet = _output.AsSpan(0, total);
        header.CopyTo(packet);
        data.CopyTo(packet[header.Length..]);
        if (pending.Key.IsV6)
        {
            packet[pending.NextHeaderField] = pending.Carried;
            BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(total - 40));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)total);
            packet[6] &= 0x40; // Don't Fragment stays; More Fragments and the offset go
            packet[7] = 0;
        }
        return packet;
    }

    private FragmentedDatagram Create(FragmentKey key, long ticks)
    {
        var pending = new FragmentedDatagram(key, ticks);
        pending.AgeNode = (key.IsV6 ? _ipv6ByAge : _ipv4ByAge).AddLast(pending);
        _pending.Add(key, pending);
        Stats.AddBuffered(pending.ChargedBytes);
        Stats.PendingDatagrams = _pending.Count;
        return pending;
    }

    private void Remove(FragmentedDatagram pending)
    {
        Stats.AddBuffered(-pending.ChargedBytes);
        _pending.Remove(pending.Key);
        pending.AgeNode!.List!.Remove(pending.AgeNode);
        pending.Release();
        Stats.PendingDatagrams = _pending.Count;
    }

    /// <summary>Evicts the oldest other datagrams until <paramref name="bytes"/> more fit under the cap; false if they cannot.</summary>
    private bool MakeRoom(long bytes, FragmentedDatagram? keep)
    {
        while (Stats.BufferedBytes + bytes > _limits.MaxBufferedBytes)
        {
            var oldest = OldestOtherThan(keep);
            if (oldest is null)
                return false;
            Stats.DatagramsEvicted++;
            Remove(oldest);
        }
        return true;
    }

    private FragmentedDatagram? OldestOtherThan(FragmentedDatagram? keep)
    {
        var v4 = FirstOtherThan(_ipv4ByAge, keep);
        var v6 = FirstOtherThan(_ipv6ByAge, keep);
        if (v4 is null || v6 is null)
            return v4 ?? v6;
        return v4.FirstTicks <= v6.FirstTicks ? v4 : v6;
    }

    private static FragmentedDatagram? FirstOtherThan(LinkedList<FragmentedDatagram> byAge, FragmentedDatagram? keep)
    {
        var first = byAge.First;
        if (first is not null && first.Value == keep)
            first = first.Next;
        return first?.Value;
    }

    private void ExpireFrom(LinkedList<FragmentedDatagram> byAge, long timeoutTicks)
    {
        while (byAge.First is { } oldest && _now - oldest.Value.FirstTicks >= timeoutTicks)
        {
            Stats.DatagramsTimedOut++;
            Remove(oldest.Value);
        }
    }
}
