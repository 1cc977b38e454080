using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Live;

/// <summary>
/// Splits the memory budget: the fixed parts first (each worker's queue, its pipeline's event
/// batches and IP fragment cap, the evidence rings), then what remains goes a quarter to reassembly buffers, an eighth to
/// the parsers' long buffers (<see cref="ParserBufferBytes"/>: lines past an SMTP-sized 4 KiB, such as
/// IMAP's 64 KiB server lines, TLS handshakes, LOGIN literals; one <see cref="Protocols.Text.BufferBudget"/>
/// shared by every worker) and the rest to flows, at <see cref="BytesPerFlow"/> each (measured by the
/// flood test: a flow, its two streams, its table entries and its session or pending-detection state).
/// The flow table evicts the oldest flow at its cap, and buffer caps are anomalies, so whatever arrives,
/// memory stays inside.
/// </summary>
public sealed record LiveMemoryPlan(long BudgetBytes, long QueueBytes, long BatchBytes, long FragmentBytes, long EvidenceBytes,
    long BufferedBytesPerWorker, long ParserBufferBytes, int FlowsPerWorker)
{
    /// <summary>
    /// Managed bytes one tracked flow can cost, all stages together: about 3 KiB measured for a flow and
    /// its session (the flood test), plus both directions' line buffers at their free size (4 KiB), which
    /// a flood of endless lines fills; longer lines take from <see cref="ParserBufferBytes"/>.
    /// </summary>
    public const int BytesPerFlow = 3072 + 2 * Protocols.Text.LineFramer.DefaultMaxLineBytes;

    /// <summary>What one pipeline's flow-event batches hold (they are allocated at start).</summary>
    public const long BatchBytesPerWorker = (FlowEventRelay.BatchesInFlight + 1) * (FlowEventBatch.DataBytes + FlowEventBatch.MaxEvents * 48L);

    public static LiveMemoryPlan For(LiveSensorOptions options, ReassemblyLimits baseLimits)
    {
        options.Validate();
        long queues = (long)options.Workers * options.QueueBytesPerWorker * 8 / 5; // the headers of a block add 60% to its bytes at most
        long batches = options.Workers * BatchBytesPerWorker;
        long fragments = options.Workers * (baseLimits.IpFragments.MaxBufferedBytes + Defragmenter.OutputBufferBytes);
        long evidence = options.EvidenceDirectory is null ? 0 : options.EvidenceBytesTotal;
        long rest = options.MemoryBudgetBytes - queues - batches - fragments - evidence;
        long minimum = options.Workers * (1L << 20) * 4;
        if (rest < minimum)
            throw new ArgumentException(
                $"a memory budget of {options.MemoryBudgetBytes >> 20} MiB is too small for {options.Workers} worker(s): " +
                $"queues, batches, fragments and evidence take {(queues + batches + fragments + evidence) >> 20} MiB; give at least {(queues + batches + fragments + evidence + minimum) >> 20} MiB");
        long buffered = Math.Min(baseLimits.MaxTotalBufferedBytes, rest / 4 / options.Workers);
        long parserBuffers = rest / 8;
        int flows = (int)Math.Min(baseLimits.MaxFlows, (rest - buffered * options.Workers - parserBuffers) / BytesPerFlow / options.Workers);
        return new LiveMemoryPlan(options.MemoryBudgetBytes, queues, batches, fragments, evidence, buffered, parserBuffers, flows);
    }

    /// <summary>The flow table's caps for one worker.</summary>
    public ReassemblyLimits LimitsFor(ReassemblyLimits baseLimits) =>
        baseLimits with { MaxFlows = FlowsPerWorker, MaxTotalBufferedBytes = BufferedBytesPerWorker };
}
