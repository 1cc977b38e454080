using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Output;

/// <summary>
/// The "stats" record (docs/output.md): what a run has counted, at the end of a replay and every
/// stats interval of a live capture (cumulative since start). The maps take new counters as they
/// come: a decode result or drop reason added to the sensor appears here without a new field.
/// </summary>
public sealed class StatsRecord
{
    public string Type { get; set; } = "stats";
    public string Ts { get; set; } = "";

    /// <summary>"replay" or "live".</summary>
    public string Mode { get; set; } = "";
    public long Packets { get; set; }
    public long Bytes { get; set; }
    public long Sessions { get; set; }
    public long Findings { get; set; }
    public Dictionary<string, long> FindingsByKind { get; set; } = [];

    /// <summary>Frames by what decoding made of them (tcp, not_tcp, fragment, unsupported_link, unknown_encapsulation, ...).</summary>
    public Dictionary<string, long> Decode { get; set; } = [];

    /// <summary>Frames per kind of encapsulation the sensor does not decode ("gre version 1", "ip protocol 50"): what unknown_encapsulation in <see cref="Decode"/> was made of.</summary>
    public Dictionary<string, long> UnknownEncapsulations { get; set; } = [];

    /// <summary>IP fragment reassembly: fragments, datagrams reassembled, duplicates, overlaps, evictions, ... (docs/ip-fragments.md).</summary>
    public Dictionary<string, long> Defragment { get; set; } = [];

    /// <summary>What was lost: frames the kernel, interface or sensor dropped (live), flows evicted and buffer caps hit (both).</summary>
    public Dictionary<string, long> Drops { get; set; } = [];
    /// <summary>Anomalies by name: named apart from a session's "anomalies" list, so the field keeps one type across records.</summary>
    public Dictionary<string, long> AnomaliesByName { get; set; } = [];

    public const string Replay = "replay";
    public const string Live = "live";

    /// <summary>A replay's record, made once the pipeline has finished; its time is the capture's last frame's.</summary>
    public static StatsRecord ForReplay(long nowTicks, CaptureResult read, DecodeStats decode, DefragmentStats fragments, ReassemblyStats flows, RecordCounts counts) =>
        counts.Fill(new StatsRecord
        {
            Ts = Rfc3339.Format(nowTicks),
            Mode = Replay,
            Packets = read.Packets,
            Bytes = read.Bytes,
            Decode = decode.Counters(),
            UnknownEncapsulations = decode.UnknownByName().ToDictionary(),
            Defragment = fragments.Counters(),
            Drops = Losses(0, 0, 0, flows.FlowsEvicted, flows.FlowBufferCapHits + flows.GlobalBufferCapHits),
        });

    /// <summary>A live sensor's record, made every stats interval from its counts since start.</summary>
    public static StatsRecord ForLive(long nowTicks, Live.LiveStats stats, RecordCounts counts) =>
        counts.Fill(new StatsRecord
        {
            Ts = Rfc3339.Format(nowTicks),
            Mode = Live,
            Packets = stats.Packets,
            Bytes = stats.Bytes,
            Decode = new Dictionary<string, long>(stats.Decode),
            UnknownEncapsulations = stats.NotDecoded.ToDictionary(),
            Defragment = new Dictionary<string, long>(stats.Defragment),
            Drops = Losses(stats.KernelDropped, stats.InterfaceDropped, stats.SensorDropped, stats.FlowsEvicted, stats.BufferCapHits),
        });

    /// <summary>The drop counters, the same keys in both modes so a dashboard can sum them.</summary>
    public static Dictionary<string, long> Losses(long kernel, long nic, long sensor, long flowsEvicted, long bufferCapHits) => new()
    {
        ["kernel"] = kernel,
        ["interface"] = nic,
        ["sensor"] = sensor,
        ["flows_evicted"] = flowsEvicted,
        ["buffer_cap_hits"] = bufferCapHits,
    };
}
