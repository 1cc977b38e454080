using System.Diagnostics.Metrics;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Metrics;

/// <summary>
/// The live sensor's instruments (System.Diagnostics.Metrics, meter <see cref="MeterName"/>): counters and
/// gauges read from the engine's <see cref="ILiveStatsSource"/> when an exporter collects, and findings
/// counted by kind as they are made (the engine counts only their total). Prometheus sees them as
/// sensor_packets_total, sensor_findings_total{kind="..."}, sensor_drops_total{source="kernel"} and so on.
/// </summary>
public sealed class SensorMetrics : IRecordSink, IDisposable
{
    public const string MeterName = "Sensor";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _findings;

    public SensorMetrics() =>
        _findings = _meter.CreateCounter<long>("sensor.findings", "{finding}", "findings made, by kind");

    /// <summary>Registers the instruments read from the engine's counts (once the engine exists: it is made after its sinks).</summary>
    public void Observe(ILiveStatsSource source)
    {
        _meter.CreateObservableCounter("sensor.packets", () => source.Snapshot().Packets, "{packet}", "frames captured");
        _meter.CreateObservableCounter("sensor.bytes", () => source.Snapshot().Bytes, "By", "bytes captured");
        _meter.CreateObservableCounter("sensor.flows", () => source.Snapshot().FlowsCreated, "{flow}", "TCP flows tracked since start");
        _meter.CreateObservableGauge("sensor.flows.active", () => source.Snapshot().ActiveFlows, "{flow}", "TCP flows tracked now");
        _meter.CreateObservableCounter("sensor.sessions", () => source.Snapshot().Sessions, "{session}", "mail sessions ended and judged");
        _meter.CreateObservableCounter("sensor.drops", () => Drops(source.Snapshot()), "{packet}", "frames lost, by where: kernel, interface, sensor");
        _meter.CreateObservableGauge("sensor.queue.depth", () => QueueDepths(source.Snapshot()), "{packet}", "frames waiting per worker queue");
        _meter.CreateObservableGauge("sensor.memory", () => source.Snapshot().ManagedBytes, "By", "managed heap in use");
    }

    public void OnSession(MailSession session, SessionRecord record)
    {
    }

    public void OnFinding(Finding finding, FindingRecord record) =>
        _findings.Add(1, new KeyValuePair<string, object?>("kind", finding.Kind));

    private static IEnumerable<Measurement<long>> Drops(LiveStats stats) =>
    [
        new(stats.KernelDropped, new KeyValuePair<string, object?>("source", "kernel")),
        new(stats.InterfaceDropped, new KeyValuePair<string, object?>("source", "interface")),
        new(stats.SensorDropped, new KeyValuePair<string, object?>("source", "sensor")),
    ];

    private static IEnumerable<Measurement<int>> QueueDepths(LiveStats stats) =>
        stats.QueueDepths.Select((depth, queue) => new Measurement<int>(depth, new KeyValuePair<string, object?>("queue", queue.ToString())));

    public void Dispose() => _meter.Dispose();
}
