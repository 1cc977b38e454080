namespace Sensor.Core.Live;

/// <summary>
/// What a running live sensor has counted so far, read by the metrics exporter and the periodic stats
/// line. Every count is cumulative since start except the gauges (active flows, queue depths, memory).
/// </summary>
/// <param name="KernelDropped">frames libpcap reports the kernel dropped (pcap_stats ps_drop), all interfaces</param>
/// <param name="InterfaceDropped">frames the interface or driver dropped (ps_ifdrop)</param>
/// <param name="SensorDropped">frames the sensor itself discarded because a worker queue was full (or closed, at shutdown); what caps cost is in <see cref="FlowsEvicted"/> and <see cref="BufferCapHits"/></param>
/// <param name="QueueDepths">frames waiting per worker queue right now</param>
/// <param name="ManagedBytes">managed heap in use right now (GC.GetTotalMemory without collecting)</param>
public sealed record LiveStats(
    long Packets,
    long Bytes,
    long KernelDropped,
    long InterfaceDropped,
    long SensorDropped,
    long FlowsCreated,
    long ActiveFlows,
    long Sessions,
    long Findings,
    IReadOnlyList<int> QueueDepths,
    long ManagedBytes)
{
    /// <summary>Flows ended early because the flow table was at its cap (the memory budget's share for flows).</summary>
    public long FlowsEvicted { get; init; }

    /// <summary>Times a reassembly buffer cap (per flow or per worker) made the sensor skip bytes.</summary>
    public long BufferCapHits { get; init; }

    /// <summary>IP fragments taken into reassembly, and datagrams given up unfinished at the fragment memory cap or timeout.</summary>
    public long IpFragments { get; init; }
    public long IpDatagramsGivenUp { get; init; }

    public long EvidenceFiles { get; init; }

    /// <summary>Findings that got no evidence file because their flow's ring had been released (rings are bounded in total).</summary>
    public long EvidenceMissing { get; init; }

    public long EvidenceRingBytes { get; init; }
    public long MemoryBudgetBytes { get; init; }

    /// <summary>Frames per kind of encapsulation the sensor does not decode ("gre version 1", "ip protocol 50"), most first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> NotDecoded { get; init; } = [];
    /// <summary>IP reassembly's counters by name, summed over the workers (the stats record's "defragment").</summary>
    public IReadOnlyDictionary<string, long> Defragment { get; init; } = new Dictionary<string, long>();

    /// <summary>Frames by what decoding made of them, by counter name (the stats record's "decode").</summary>
    public IReadOnlyDictionary<string, long> Decode { get; init; } = new Dictionary<string, long>();
}

/// <summary>Something that can say what a live sensor has counted so far; safe to call from any thread.</summary>
public interface ILiveStatsSource
{
    LiveStats Snapshot();
}
