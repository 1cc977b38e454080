using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Sensor.Core.Catalogue;

namespace Sensor.Core.Output;

/// <summary>
/// The JSON Schema (2020-12) of every JSON Lines record, generated from the records' own types and
/// serialiser metadata, so it cannot drift from what is written: docs/schema/records.schema.json is
/// this (scripts/generate-docs.sh), and a test validates every record of every capture against it.
/// Every field is always present (nulls are written); a line is one of the record types, told apart by "type".
/// </summary>
public static class RecordSchema
{
    /// <summary>What <see cref="Rfc3339.Format(long)"/> writes: UTC, microseconds.</summary>
    public const string Rfc3339Utc = @"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$";

    private static readonly JsonSchemaExporterOptions Exporter = new() { TreatNullObliviousAsNonNullable = true };

    public static string Text()
    {
        var context = RecordJsonContext.Default;
        var defs = new JsonObject
        {
            ["session"] = Record(context.SessionRecord, "session"),
            ["finding"] = Finding(Record(context.FindingRecord, "finding")),
            ["verdict"] = Confidence(Record(context.VerdictRecord, "verdict")),
            ["probe"] = Optional(Record(context.ProbeRecord, "probe"), "attempts", "exit", "locate"),
            ["evidence"] = Record(context.EvidenceRecord, "evidence"),
            ["stats"] = Record(context.StatsRecord, "stats"),
            ["run"] = Record(context.RunRecord, "run"),
            ["server"] = Record(context.ServerRecord, "server"),
        };
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "Sensor JSON Lines records (docs/output.md)",
            ["oneOf"] = new JsonArray([.. defs.Select(d => (JsonNode)new JsonObject { ["$ref"] = $"#/$defs/{d.Key}" })]),
            ["$defs"] = defs,
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject Record<T>(JsonTypeInfo<T> type, string name)
    {
        var schema = (JsonObject)type.GetJsonSchemaAsNode(Exporter);
        Close(schema);
        schema["properties"]!["type"] = new JsonObject { ["const"] = name };
        schema["properties"]!["ts"] = new JsonObject { ["type"] = "string", ["pattern"] = Rfc3339Utc };
        return schema;
    }

    /// <summary>Every object of a record lists all its fields as required and allows no others (maps excepted).</summary>
    private static void Close(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
                Close(item);
            return;
        }
        if (node is not JsonObject schema)
            return;
        if (schema["properties"] is JsonObject properties)
        {
            schema["required"] = new JsonArray([.. properties.Select(p => (JsonNode)JsonValue.Create(p.Key))]);
            schema["additionalProperties"] = false;
        }
        foreach (var (_, child) in schema.ToList())
            Close(child);
    }

    /// <summary>
    /// Fields left out when they have nothing to say: a probe's attempts (written only for a repeated probe),
    /// exit (only through a SOCKS proxy), locate (only with --locate).
    /// </summary>
    private static JsonObject Optional(JsonObject schema, params string[] fields)
    {
        var required = (JsonArray)schema["required"]!;
        foreach (var field in fields)
            required.Remove(required.First(n => n!.GetValue<string>() == field));
        return schema;
    }

    /// <summary>A finding's evidence: the catalogue's keys, each with its one type.</summary>
    private static JsonObject Finding(JsonObject schema)
    {
        var keys = new JsonObject();
        foreach (var key in EvidenceKeys.All)
            keys[key.Name] = new JsonObject { ["type"] = TypeOf(key) };
        schema["properties"]!["evidence"] = new JsonObject { ["type"] = "object", ["properties"] = keys, ["additionalProperties"] = false };
        return Confidence(schema);
    }

    /// <summary>The converter that writes a fraction hides the type from the exporter.</summary>
    private static JsonObject Confidence(JsonObject schema)
    {
        schema["properties"]!["confidence"] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1 };
        return schema;
    }

    private static JsonNode TypeOf(EvidenceKey key)
    {
        var type = key.Type switch { EvidenceType.Integer => "integer", EvidenceType.Boolean => "boolean", _ => "string" };
        return key.Nullable ? new JsonArray(type, "null") : JsonValue.Create(type);
    }
}
