using System.Text.Json;
using System.Text.Json.Serialization;
using Sensor.Core.Output;

namespace Sensor.Core.FieldTest;

/// <summary>
/// `{"type":"fieldtest", ...}`: one port of one target in `sensor fieldtest --json`: this vantage's
/// probe record, the latest records from other vantages it was compared with, and the verdict.
/// </summary>
public sealed class FieldtestRecord
{
    public string Type { get; set; } = "fieldtest";
    public string Ts { get; set; } = "";
    public string Vantage { get; set; } = "";
    public string Target { get; set; } = "";
    public int Port { get; set; }
    public string Protocol { get; set; } = "";
    /// <summary>interference, not-encrypted, caution, not-tested or encrypted.</summary>
    public string Level { get; set; } = "";
    public string Summary { get; set; } = "";
    /// <summary>The network tested (public address, AS number and name) when DNS named it; else null.</summary>
    public Probing.Dns.NetworkOrigin? Network { get; set; }
    /// <summary>Where on the path the interference happens, when it was located; else null.</summary>
    public FieldHop? Hop { get; set; }
    public ProbeRecord Here { get; set; } = new();
    public List<ProbeRecord> Elsewhere { get; set; } = [];

    public static FieldtestRecord From(FieldReport report, FieldTarget target, FieldRow row) => new()
    {
        Ts = Rfc3339.Format(report.TimeUtc),
        Vantage = report.Vantage,
        Target = target.Name,
        Port = row.Here.Port,
        Protocol = row.Here.Protocol,
        Level = LevelName(row.Judgement.Level),
        Summary = row.Judgement.Sentence,
        Network = report.Network,
        Hop = row.Hop,
        Here = row.Here,
        Elsewhere = [.. row.Elsewhere],
    };

    public static string LevelName(FieldLevel level) => level switch
    {
        FieldLevel.Interference => "interference",
        FieldLevel.NotEncrypted => "not-encrypted",
        FieldLevel.Caution => "caution",
        FieldLevel.NotTested => "not-tested",
        _ => "encrypted",
    };

    /// <summary>One JSON line (snake_case, nulls kept, like every other record).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, FieldtestJsonContext.Default.FieldtestRecord);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FieldtestRecord))]
internal sealed partial class FieldtestJsonContext : JsonSerializerContext;
