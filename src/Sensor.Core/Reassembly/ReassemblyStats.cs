namespace Sensor.Core.Reassembly;

/// <summary>Counters of the flow table, read by the CLI summary and the metrics sink.</summary>
public sealed class ReassemblyStats
{
    public long FlowsCreated { get; internal set; }
    public long FlowsEnded { get; internal set; }
    public long FlowsEvicted { get; internal set; }
    public long FlowsTimedOut { get; internal set; }
    /// <summary>Segments of no known flow that carry neither SYN nor data (late ACKs, stray FIN/RST): not tracked.</summary>
    public long UntrackedSegments { get; internal set; }
    public long Segments { get; internal set; }
    public long BytesDelivered { get; internal set; }
    /// <summary>Segments whose bytes were all delivered already.</summary>
    public long Retransmissions { get; internal set; }
    /// <summary>Segments that partly overlapped delivered or held data.</summary>
    public long Overlaps { get; internal set; }
    /// <summary>Segments starting more than the largest possible window (2^30) ahead: stale or forged, dropped.</summary>
    public long OutOfWindowSegments { get; internal set; }
    public long OverlapConflicts { get; internal set; }
    public long Gaps { get; internal set; }
    public long GapBytes { get; internal set; }
    public long FlowBufferCapHits { get; internal set; }
    public long GlobalBufferCapHits { get; internal set; }
    public long FlowTableFullHits { get; internal set; }
    /// <summary>Streams that got no conflict window because windows had used their half of the buffer budget.</summary>
    public long ConflictWindowsSkipped { get; internal set; }
    /// <summary>RSTs that did not end their flow: not at the receiver's next sequence number (RFC 5961 §3.2).</summary>
    public long ResetsIgnored { get; internal set; }
    /// <summary>Directions whose first checkable segment had a bad checksum: offloaded, not verified further.</summary>
    public long OffloadedStreams { get; internal set; }
    /// <summary>Bad-checksum segments in directions whose checksums are good; of these, the ones the receiver then acknowledged.</summary>
    public long BadChecksums { get; internal set; }
    public long BadChecksumsAccepted { get; internal set; }
    /// <summary>Urgent bytes taken out of a stream, as the receiving stack does.</summary>
    public long UrgentBytesRemoved { get; internal set; }
    /// <summary>Bytes rented for held segments and conflict windows right now, and the most ever.</summary>
    public long BufferedBytes { get; internal set; }
    public long PeakBufferedBytes { get; internal set; }
    public int ActiveFlows { get; internal set; }

    public override string ToString() =>
        $"{FlowsCreated} flows ({FlowsTimedOut} timed out, {FlowsEvicted} evicted), {Segments} segments, " +
        $"{Retransmissions} retransmissions, {Overlaps} overlaps ({OverlapConflicts} conflicting), {Gaps} gaps ({GapBytes} bytes), " +
        $"{OutOfWindowSegments} out of window, {ResetsIgnored} resets ignored, {BadChecksums} bad checksums ({OffloadedStreams} offloaded directions), " +
        $"{UrgentBytesRemoved} urgent bytes, cap hits: {FlowBufferCapHits} flow / {GlobalBufferCapHits} global / {FlowTableFullHits} table, " +
        $"peak buffered {PeakBufferedBytes} bytes";

    internal void AddBuffered(long bytes)
    {
        BufferedBytes += bytes;
        if (BufferedBytes > PeakBufferedBytes)
            PeakBufferedBytes = BufferedBytes;
    }
}
