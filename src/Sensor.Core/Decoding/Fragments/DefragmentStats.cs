namespace Sensor.Core.Decoding.Fragments;

/// <summary>Counters of IP reassembly, read by the run summary and the live stats.</summary>
public sealed class DefragmentStats
{
    /// <summary>Fragments taken into reassembly (IPv4 and IPv6).</summary>
    public long Fragments { get; internal set; }
    public long DatagramsReassembled { get; internal set; }
    /// <summary>Fragments lying wholly inside data already held, with the same bytes: dropped.</summary>
    public long Duplicates { get; internal set; }
    /// <summary>Fragments overlapping held data partly, with the same bytes: taken.</summary>
    public long IdenticalOverlaps { get; internal set; }
    /// <summary>Overlaps with different bytes (the ip-fragment-overlap-conflict anomaly), kept-first or dropped.</summary>
    public long OverlapConflicts { get; internal set; }
    /// <summary>Datagrams given up because a fragment overlapped held data partly with different bytes.</summary>
    public long DatagramsDroppedOnConflict { get; internal set; }
    public long DatagramsTimedOut { get; internal set; }
    /// <summary>Datagrams evicted, oldest first, to keep the total under its cap.</summary>
    public long DatagramsEvicted { get; internal set; }
    /// <summary>Datagrams given up for passing the per-datagram cap.</summary>
    public long DatagramCapHits { get; internal set; }
    /// <summary>Datagrams that would be longer than 65535 bytes (the ip-fragment-oversize anomaly).</summary>
    public long Oversize { get; internal set; }
    /// <summary>Fragments that contradict their datagram or themselves (lengths, ends), or were cut by the capture.</summary>
    public long Rejected { get; internal set; }
    /// <summary>First fragments too short to hold a whole TCP header (RFC 1858 §3, RFC 3128): reassembled all the same, as a receiver does.</summary>
    public long TinyFirstFragments { get; internal set; }
    public long BufferedBytes { get; internal set; }
    public long PeakBufferedBytes { get; internal set; }
    public int PendingDatagrams { get; internal set; }

    /// <summary>Every counter by its name in the stats record (snake_case); a new counter is one more line here.</summary>
    public Dictionary<string, long> Counters() => new()
    {
        ["fragments"] = Fragments,
        ["datagrams_reassembled"] = DatagramsReassembled,
        ["duplicates"] = Duplicates,
        ["identical_overlaps"] = IdenticalOverlaps,
        ["overlap_conflicts"] = OverlapConflicts,
        ["datagrams_dropped_on_conflict"] = DatagramsDroppedOnConflict,
        ["datagrams_timed_out"] = DatagramsTimedOut,
        ["datagrams_evicted"] = DatagramsEvicted,
        ["datagram_cap_hits"] = DatagramCapHits,
        ["oversize"] = Oversize,
        ["rejected"] = Rejected,
        ["tiny_first_fragments"] = TinyFirstFragments,
        ["peak_buffered_bytes"] = PeakBufferedBytes,
    };

    /// <summary>The counters of several reassemblers (a live sensor's workers) added up by name.</summary>
    public static Dictionary<string, long> Sum(IEnumerable<DefragmentStats> stats)
    {
        var total = new Dictionary<string, long>();
        foreach (var one in stats)
            foreach (var (name, count) in one.Counters())
                total[name] = total.GetValueOrDefault(name) + count;
        return total;
    }

    public override string ToString() =>
        $"{Fragments} fragments, {DatagramsReassembled} datagrams reassembled, {Duplicates} duplicates, " +
        $"{IdenticalOverlaps} identical overlaps, {OverlapConflicts} conflicting overlaps ({DatagramsDroppedOnConflict} datagrams dropped), " +
        $"{DatagramsTimedOut} timed out, {DatagramsEvicted} evicted, {DatagramCapHits} over the datagram cap, {Oversize} oversize, " +
        $"{Rejected} rejected, {TinyFirstFragments} tiny first fragments, peak buffered {PeakBufferedBytes} bytes";

    internal void AddBuffered(long bytes)
    {
        BufferedBytes += bytes;
        if (BufferedBytes > PeakBufferedBytes)
            PeakBufferedBytes = BufferedBytes;
    }
}
