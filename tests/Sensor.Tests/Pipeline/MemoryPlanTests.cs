using Sensor.Core.Live;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Pipeline;

/// <summary>How the memory budget is split into the flow table's caps.</summary>
public class MemoryPlanTests
{
    [Fact]
    public void DefaultBudgetForTwoWorkers_FixedPartsFirst_ThenBuffersAndFlows()
    {
        var plan = new LiveSensorOptions { Workers = 2, MemoryBudgetBytes = 1L << 30 }.PlanMemory(ReassemblyLimits.Default);

        long queues = 2L * (16 << 20) * 8 / 5;
        long batches = 2 * MemoryPlan.BatchBytesPerWorker;
        long fragments = 2 * (4L << 20) + 2 * (128 << 10);   // each worker's IP fragment cap and its output buffer
        long rest = (1L << 30) - queues - batches - fragments;
        Assert.Equal((queues, batches, fragments, 0L), (plan.QueueBytes, plan.BatchBytes, plan.FragmentBytes, plan.EvidenceBytes));
        Assert.Equal(Math.Min(ReassemblyLimits.Default.MaxTotalBufferedBytes, rest / 4 / 2), plan.BufferedBytesPerWorker); // 64 MiB: the reassembly default is the ceiling
        Assert.Equal(rest / 8, plan.ParserBufferBytes); // the parsers' long lines, TLS handshakes and literals, all workers together
        Assert.Equal((int)((rest - plan.BufferedBytesPerWorker * 2 - rest / 8) / MemoryPlan.BytesPerFlow / 2), plan.FlowsPerWorker);
        Assert.Equal(11264, MemoryPlan.BytesPerFlow);
        var limits = plan.LimitsFor(ReassemblyLimits.Default);
        Assert.Equal((plan.FlowsPerWorker, plan.BufferedBytesPerWorker), (limits.MaxFlows, limits.MaxTotalBufferedBytes));
        Assert.Equal(ReassemblyLimits.Default.IdleTimeout, limits.IdleTimeout);
    }

    [Fact]
    public void EvidenceRingsComeOutOfTheBudget_AndAHugeBudgetStopsAtTheReassemblyDefaults()
    {
        var withEvidence = new LiveSensorOptions { Workers = 1, EvidenceDirectory = "/tmp/x" }.PlanMemory(ReassemblyLimits.Default);
        var without = new LiveSensorOptions { Workers = 1 }.PlanMemory(ReassemblyLimits.Default);
        Assert.Equal(64L << 20, withEvidence.EvidenceBytes);
        Assert.True(withEvidence.FlowsPerWorker < without.FlowsPerWorker);

        var huge = new LiveSensorOptions { Workers = 1, MemoryBudgetBytes = 1L << 45 }.PlanMemory(ReassemblyLimits.Default);
        Assert.Equal((ReassemblyLimits.Default.MaxFlows, ReassemblyLimits.Default.MaxTotalBufferedBytes), (huge.FlowsPerWorker, huge.BufferedBytesPerWorker));
    }

    [Fact]
    public void ABudgetTooSmallForTheFixedParts_SaysHowMuchIsNeeded()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new LiveSensorOptions { Workers = 2, MemoryBudgetBytes = 64L << 20 }.PlanMemory(ReassemblyLimits.Default));
        Assert.StartsWith("a memory budget of 64 MiB is too small for 2 workers: queues, batches, fragments and evidence take ", e.Message);
        Assert.Matches(@"give at least \d+ MiB$", e.Message);
    }

    [Fact]
    public void Replay_IsOnePipeline_WithNoQueueAndNoRings()
    {
        var plan = MemoryPlan.ForReplay(256L << 20, ReassemblyLimits.Default);

        long fragments = (4L << 20) + (128 << 10);
        long rest = (256L << 20) - MemoryPlan.BatchBytesPerWorker - fragments;
        Assert.Equal((0L, MemoryPlan.BatchBytesPerWorker, fragments, 0L), (plan.QueueBytes, plan.BatchBytes, plan.FragmentBytes, plan.EvidenceBytes));
        Assert.Equal((rest / 4, rest / 8), (plan.BufferedBytesPerWorker, plan.ParserBufferBytes));
        Assert.Equal((int)((rest - rest / 4 - rest / 8) / MemoryPlan.BytesPerFlow), plan.FlowsPerWorker);

        var e = Assert.Throws<ArgumentException>(() => MemoryPlan.ForReplay(8L << 20, ReassemblyLimits.Default));
        Assert.StartsWith("a memory budget of 8 MiB is too small: queues, batches, fragments and evidence take ", e.Message);
    }
}
