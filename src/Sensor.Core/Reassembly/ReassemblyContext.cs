namespace Sensor.Core.Reassembly;

/// <summary>What every stream of one flow table shares: where events go, the caps, the counters.</summary>
internal sealed class ReassemblyContext(IFlowObserver observer, ReassemblyLimits limits)
{
    public IFlowObserver Observer { get; } = observer;
    public ReassemblyLimits Limits { get; } = limits;
    public ReassemblyStats Stats { get; } = new();

    public bool GlobalBudgetAllows(long bytes) => Stats.BufferedBytes + bytes <= Limits.MaxTotalBufferedBytes;
}
