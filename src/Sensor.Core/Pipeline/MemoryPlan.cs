using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Pipeline;

/// <summary>
/// Splits a memory budget: the fixed parts first (each worker's queue, its pipeline's event
/// batches and IP fragment cap, the evidence rings), then what remains goes a quarter to reassembly buffers, an eighth to
/// the parsers' long buffers (<see cref="ParserBufferBytes"/>: lines past an SMTP-sized 4 KiB, such as
/// IMAP's 64 KiB server lines, TLS handshakes, LOGIN literals; one <see cref="Protocols.Text.BufferBudget"/>
/// shared by every worker) and the rest to flows, at <see cref="BytesPerFlow"/> each (measured by the
/// flood test: a flow, its two streams, its table entries and its session or pending-detection state).
/// The flow table evicts the oldest flow at its cap, and buffer caps are anomalies, so whatever arrives,
/// memory stays inside. Live sizes it by its options; replay is one pipeline with no queue and no rings.
/// </summary>
public sealed record MemoryPlan(long BudgetBytes, long QueueBytes, long BatchBytes, long FragmentBytes, long EvidenceBytes,
    long BufferedBytesPerWorker, long ParserBufferBytes, int FlowsPerWorker)
{
    /// <summary>The budget when none is given, in replay and live alike.</summary>
    public const long DefaultBudgetBytes = 1L << 30;

    /// <summary>
    /// Managed bytes one tracked flow can cost, all stages together: about 3 KiB measured for a flow and
    /// its session (the flood test), plus both directions' line buffers at their free size (4 KiB), which
    /// a flood of endless lines fills; longer lines take from <see cref="ParserBufferBytes"/>.
    /// </summary>
    public const int BytesPerFlow = 3072 + 2 * Protocols.Text.LineFramer.DefaultMaxLineBytes;

    /// <summary>What one pipeline's flow-event batches hold (they are allocated at start).</summary>
    public const long BatchBytesPerWorker = (FlowEventRelay.BatchesInFlight + 1) * (FlowEventBatch.DataBytes + FlowEventBatch.MaxEvents * 48L);

    /// <summary>Replay: one pipeline; evidence is written in a second pass, so no rings are kept.</summary>
    public static MemoryPlan ForReplay(long budgetBytes, ReassemblyLimits baseLimits) => Split(budgetBytes, 1, 0, 0, baseLimits);

    /// <param name="queueBytes">all workers' frame queues together, block headers included</param>
    public static MemoryPlan Split(long budgetBytes, int workers, long queueBytes, long evidenceBytes, ReassemblyLimits baseLimits)
    {
        long batches = workers * BatchBytesPerWorker;
        long fragments = workers * (baseLimits.IpFragments.MaxBufferedBytes + Defragmenter.OutputBufferBytes);
        long fixedParts = queueBytes + batches + fragments + evidenceBytes;
        long rest = budgetBytes - fixedParts;
        long minimum = workers * (1L << 20) * 4;
        if (rest < minimum)
            throw new ArgumentException(
                $"a memory budget of {budgetBytes >> 20} MiB is too small{(workers > 1 ? $" for {workers} workers" : "")}: " +
                $"queues, batches, fragments and evidence take {fixedParts >> 20} MiB; give at least {(fixedParts + minimum) >> 20} MiB");
        long buffered = Math.Min(baseLimits.MaxTotalBufferedBytes, rest / 4 / workers);
        long parserBuffers = rest / 8;
        int flows = (int)Math.Min(baseLimits.MaxFlows, (rest - buffered * workers - parserBuffers) / BytesPerFlow / workers);
        return new MemoryPlan(budgetBytes, queueBytes, batches, fragments, evidenceBytes, buffered, parserBuffers, flows);
    }

    /// <summary>The flow table's caps for one worker.</summary>
    public ReassemblyLimits LimitsFor(ReassemblyLimits baseLimits) =>
        baseLimits with { MaxFlows = FlowsPerWorker, MaxTotalBufferedBytes = BufferedBytesPerWorker };
}
