using Sensor.Core.Output;

namespace Sensor.Cli.Presentation;

/// <summary>What a replay did, for the summary.</summary>
/// <param name="NotDecoded">frames per kind of encapsulation the sensor does not decode, most first</param>
public sealed record ReplayReport(int Files, long Packets, long Bytes, TimeSpan Elapsed, RunSummary Summary, IReadOnlyList<string> Warnings,
    IReadOnlyList<KeyValuePair<string, long>> NotDecoded);
