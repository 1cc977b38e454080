using System.Diagnostics.Metrics;
using Sensor.Core.CrossCheck;
using Sensor.Core.Detection;
using Sensor.Core.FieldTest;
using Sensor.Core.Fleet;
using Sensor.Core.Live;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Metrics;

/// <summary>
/// The live sensor's instruments (System.Diagnostics.Metrics, meter <see cref="MeterName"/>): counters and
/// gauges read from the engine's <see cref="ILiveStatsSource"/> when an exporter collects, and findings
/// counted by kind as they are made (the engine counts only their total). Prometheus sees them as
/// sensor_packets_total, sensor_findings_total{kind="...",severity="..."}, sensor_drops_total{source="kernel"} and so on
/// (Prometheus conventions: base units, _total on counters, _bytes for bytes; the exporter derives them from
/// the instrument's name and UCUM unit), and sensor_build_info{version,runtime} 1.
/// </summary>
public sealed class SensorMetrics : IRecordSink, IDisposable
{
    public const string MeterName = "Sensor";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _findings;
    private readonly Counter<long> _verdicts;

    public SensorMetrics()
    {
        _findings = _meter.CreateCounter<long>("sensor.findings", "{finding}", "findings made, by kind and severity");
        _verdicts = _meter.CreateCounter<long>("sensor.verdicts", "{verdict}", "cross-check verdicts reported, by verdict");
        _meter.CreateObservableGauge("sensor.build.info", () => new Measurement<int>(1,
            new KeyValuePair<string, object?>("version", FieldTestRun.Version),
            new KeyValuePair<string, object?>("runtime", Environment.Version.ToString())), description: "the sensor's version and .NET runtime; always 1");
    }

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

    /// <summary>Fleet mode: what the bus acknowledged, what waits for it (memory and outbox), what the outbox cap dropped.</summary>
    public void ObserveBus(FleetPublisher publisher)
    {
        _meter.CreateObservableCounter("sensor.bus.published", () => publisher.Published, "{record}", "records the bus acknowledged");
        _meter.CreateObservableCounter("sensor.bus.dropped", () => publisher.Dropped, "{record}", "records dropped past the outbox cap");
        _meter.CreateObservableGauge("sensor.bus.waiting", () => publisher.Waiting, "{record}", "records waiting for the bus");
    }

    /// <summary>Probing on the fly: probe requests by what became of them, and the probes queued now.</summary>
    public void ObserveCrossCheck(OnTheFlyProber prober)
    {
        _meter.CreateObservableCounter("sensor.crosscheck.requests", () => Requests(prober.Stats), "{request}",
            "probe requests: probed, answered by a recent probe (cache) or the store, dropped when full, unanswered");
        _meter.CreateObservableGauge("sensor.crosscheck.waiting", () => prober.Waiting, "{probe}", "probes queued for a worker");
    }

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
    }

    public void OnVerdict(VerdictRecord record) =>
        _verdicts.Add(1, new KeyValuePair<string, object?>("verdict", record.Verdict));

    public void OnFinding(Finding finding, FindingRecord record) =>
        _findings.Add(1, new KeyValuePair<string, object?>("kind", finding.Kind), new KeyValuePair<string, object?>("severity", finding.Severity.ToWire()));

    private static IEnumerable<Measurement<long>> Drops(LiveStats stats) =>
    [
        new(stats.KernelDropped, new KeyValuePair<string, object?>("source", "kernel")),
        new(stats.InterfaceDropped, new KeyValuePair<string, object?>("source", "interface")),
        new(stats.SensorDropped, new KeyValuePair<string, object?>("source", "sensor")),
    ];

    private static IEnumerable<Measurement<long>> Requests(OnTheFlyStats stats) =>
    [
        new(stats.Probed, new KeyValuePair<string, object?>("result", "probed")),
        new(stats.CacheHits, new KeyValuePair<string, object?>("result", "cache")),
        new(stats.StoreHits, new KeyValuePair<string, object?>("result", "store")),
        new(stats.Dropped, new KeyValuePair<string, object?>("result", "dropped")),
        new(stats.Unanswered, new KeyValuePair<string, object?>("result", "unanswered")),
    ];

    private static IEnumerable<Measurement<int>> QueueDepths(LiveStats stats) =>
        stats.QueueDepths.Select((depth, queue) => new Measurement<int>(depth, new KeyValuePair<string, object?>("queue", queue.ToString())));

    public void Dispose() => _meter.Dispose();
}
