using Sensor.Core.Detection;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Pipeline;

/// <summary>Everything a replay needs to know, gathered by the command line.</summary>
public sealed record ReplayOptions(
    IReadOnlyList<string> Files,
    RuleSet Rules,
    ReassemblyLimits Limits,
    string? EvidenceDirectory);
