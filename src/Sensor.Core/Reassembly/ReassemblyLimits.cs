using Sensor.Core.Decoding.Fragments;

namespace Sensor.Core.Reassembly;

/// <summary>
/// Every buffer the flow table keeps has a cap here; crossing one is an anomaly and a counter,
/// never an exception or unbounded growth: every cap is named, and crossing it is an event.
/// </summary>
public sealed record ReassemblyLimits
{
    /// <summary>Out-of-order bytes held per direction while waiting for a hole to fill.</summary>
    public int MaxOutOfOrderBytesPerDirection { get; init; } = 256 * 1024;

    /// <summary>Out-of-order pieces held per direction: bounds the bookkeeping of 1-byte segment floods.</summary>
    public int MaxOutOfOrderSegmentsPerDirection { get; init; } = 2048;

    /// <summary>All buffered bytes across all flows (held segments and conflict windows).</summary>
    public long MaxTotalBufferedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Flows tracked at once; when full the oldest-idle flow is evicted.</summary>
    public int MaxFlows { get; init; } = 1_000_000;

    /// <summary>A flow with no packet for this long, in capture time, ends with IdleTimeout.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Bytes of already-delivered data kept per direction of a non-ignored flow, so a retransmission
    /// carrying different bytes than were delivered is seen (OverlapConflict). A power of two; 0 turns
    /// this off, and then only overlaps with held out-of-order data are compared.
    /// </summary>
    public int ConflictWindowBytes { get; init; } = 4096;

    /// <summary>IP reassembly below TCP: its memory cap, per-datagram cap and timeouts.</summary>
    public DefragmentLimits IpFragments { get; init; } = DefragmentLimits.Default;

    /// <summary>
    /// Segments with a bad checksum held per direction (in a direction whose checksums are good) until a good
    /// version or the receiver's acknowledgment decides; past it a bad segment is dropped at once.
    /// </summary>
    public int MaxSuspectSegmentsPerDirection { get; init; } = 16;

    public static ReassemblyLimits Default { get; } = new();

    /// <summary>Checks the values once, when a table is made: a bad configuration fails at start, never on the packet path.</summary>
    public void Validate()
    {
        if (MaxOutOfOrderBytesPerDirection < 0 || MaxOutOfOrderSegmentsPerDirection < 0 || MaxTotalBufferedBytes < 0 || MaxSuspectSegmentsPerDirection < 0)
            throw new ArgumentException("reassembly buffer caps cannot be negative");
        if (MaxFlows < 1)
            throw new ArgumentException($"{nameof(MaxFlows)} must be at least 1");
        if (IdleTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"{nameof(IdleTimeout)} must be positive");
        if (ConflictWindowBytes < 0 || (ConflictWindowBytes & (ConflictWindowBytes - 1)) != 0)
            throw new ArgumentException($"{nameof(ConflictWindowBytes)} must be 0 or a power of two, not {ConflictWindowBytes}");
        IpFragments.Validate();
    }
}
