using Sensor.Core.Detection;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Pipeline;

/// <summary>Everything a replay needs to know, gathered by the command line.</summary>
/// <param name="Memory">the memory budget's split: the flow table's caps and the parsers' long buffers</param>
public sealed record ReplayOptions(
    IReadOnlyList<string> Files,
    RuleSet Rules,
    MemoryPlan Memory,
    string? EvidenceDirectory)
{
    /// <summary>The reassembly defaults under the budget's flow and buffer caps.</summary>
    public ReassemblyLimits Limits => Memory.LimitsFor(ReassemblyLimits.Default);
}
