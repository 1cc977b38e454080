namespace Sensor.Core.Reassembly;

/// <summary>What every stream of one flow table shares: where events go, the caps, the counters.</summary>
internal sealed class ReassemblyContext(IFlowObserver observer, ReassemblyLimits limits)
{
    public IFlowObserver Observer { get; } = observer;
    public ReassemblyLimits Limits { get; } = limits;
    public ReassemblyStats Stats { get; } = new();

    public bool GlobalBudgetAllows(long bytes) => Stats.BufferedBytes + bytes <= Limits.MaxTotalBufferedBytes;

    /// <summary>Conflict windows may take only half the budget, so they never starve out-of-order buffering.</summary>
    public bool WindowBudgetAllows(long bytes) => Stats.BufferedBytes + bytes <= Limits.MaxTotalBufferedBytes / 2;
}
