using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Live;

/// <summary>
/// How the live engine is sized: worker threads, queue and evidence ring sizes, and the memory budget
/// that the flow table's caps are derived from (<see cref="PlanMemory"/>). A configuration file maps onto it.
/// </summary>
public sealed record LiveSensorOptions
{
    /// <summary>
    /// One worker per core, up to 8. Each worker is two threads (decode and reassembly, then sessions and
    /// detection), so this oversubscribes the cores, yet on this 2-core machine 2 workers took 552k
    /// frames/s against 452k for 1 (bench/README.md, `live`): the threads wait on each other often enough.
    /// </summary>
    public static int DefaultWorkers => Math.Clamp(Environment.ProcessorCount, 1, 8);

    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>Everything the engine keeps: flows, reassembly buffers, evidence rings, queues and its fixed buffers.</summary>
    public long MemoryBudgetBytes { get; init; } = MemoryPlan.DefaultBudgetBytes;

    /// <summary>Frames waiting between the capture threads and one worker; past this, frames are dropped and counted.</summary>
    public int QueueBytesPerWorker { get; init; } = 16 << 20;

    /// <summary>The queue is made of blocks this big, allocated once; a block holds at least one frame of the snap length.</summary>
    public int QueueBlockBytes { get; init; } = 1 << 20;

    /// <summary>Recent packets kept per flow for evidence; the oldest give way first.</summary>
    public int EvidencePacketsPerFlow { get; init; } = 64;

    public int EvidenceBytesPerFlow { get; init; } = 256 << 10;

    /// <summary>All evidence rings of all workers together; the least recently active flow's ring goes first.</summary>
    public long EvidenceBytesTotal { get; init; } = 64L << 20;

    /// <summary>Where a finding's evidence pcap (mode 0600) is written; null keeps no rings at all.</summary>
    public string? EvidenceDirectory { get; init; }

    /// <summary>How long a quiet worker waits before moving its clock on (idle flows expire, finished sessions are reported).</summary>
    public TimeSpan IdleTick { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>With a cross-check, how often the verdicts are looked at while capture goes on; a new or changed one is reported then.</summary>
    public TimeSpan VerdictInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The budget split for these workers: their queues (block headers add 60% to a block's bytes at most) and evidence rings first.</summary>
    public MemoryPlan PlanMemory(ReassemblyLimits baseLimits)
    {
        Validate();
        long queues = (long)Workers * QueueBytesPerWorker * 8 / 5;
        return MemoryPlan.Split(MemoryBudgetBytes, Workers, queues, EvidenceDirectory is null ? 0 : EvidenceBytesTotal, baseLimits);
    }

    public void Validate()
    {
        if (Workers is < 1 or > 256)
            throw new ArgumentException($"workers must be between 1 and 256, not {Workers}");
        if (QueueBlockBytes < 64 << 10)
            throw new ArgumentException($"queue blocks must be at least 64 KiB, not {QueueBlockBytes}");
        if (QueueBytesPerWorker < 2 * QueueBlockBytes)
            throw new ArgumentException($"a worker queue needs at least two blocks ({2 * QueueBlockBytes} bytes), not {QueueBytesPerWorker}");
        if (EvidencePacketsPerFlow < 1 || EvidenceBytesPerFlow < 2048 || EvidenceBytesTotal < EvidenceBytesPerFlow)
            throw new ArgumentException("evidence rings need at least one packet and 2 KiB per flow, and a total of at least one flow's ring");
        if (IdleTick <= TimeSpan.Zero)
            throw new ArgumentException("the idle tick must be positive");
        if (VerdictInterval <= TimeSpan.Zero)
            throw new ArgumentException("the verdict interval must be positive");
    }
}
