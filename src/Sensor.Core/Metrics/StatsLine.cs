using Sensor.Core.Live;

namespace Sensor.Core.Metrics;

/// <summary>The periodic stats line of a live sensor's log: what it saw, dropped and found since start, and its load now.</summary>
public static class StatsLine
{
    public static string Format(LiveStats stats) =>
        $"stats: {stats.Packets} packets, {stats.Bytes} bytes; dropped {stats.KernelDropped} by the kernel, {stats.InterfaceDropped} by the interface, "
        + $"{stats.SensorDropped} by the sensor; {stats.FlowsCreated} flows ({stats.ActiveFlows} active), {stats.Sessions} sessions, {stats.Findings} findings; "
        + $"queues [{string.Join(' ', stats.QueueDepths)}]; heap {stats.ManagedBytes / (1024 * 1024)} MiB"
        + (stats.NotDecoded.Count == 0 ? "" : $"; not decoded: {string.Join(", ", stats.NotDecoded.Select(k => $"{k.Key} {k.Value}"))}");
}
