using Sensor.Core.Output;

namespace Sensor.Cli.Presentation;

/// <summary>What a replay did, for the summary.</summary>
public sealed record ReplayReport(int Files, long Packets, long Bytes, TimeSpan Elapsed, RunSummary Summary, IReadOnlyList<string> Warnings);
