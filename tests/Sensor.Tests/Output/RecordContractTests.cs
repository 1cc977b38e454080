using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Sensor.Core.Output;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Output;

/// <summary>The JSON Lines contract (docs/output.md, docs/schema/records.schema.json) held by every record of every capture.</summary>
public class RecordContractTests
{
    private static readonly Lazy<List<(string File, List<string> Lines)>> AllLines = new(() => [.. JsonReplay.EveryCapture()]);

    private static string DocsPath(string name) => Path.Combine(Manifest.CapturesDirectory, "..", "docs", name);

    [Fact]
    public void EveryRecordOfEveryCapture_ValidatesAgainstTheCheckedInSchema()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(DocsPath("schema/records.schema.json")));
        int records = 0;
        foreach (var (file, lines) in AllLines.Value)
        {
            Assert.StartsWith("{\"type\":\"stats\",", lines[^1]);
            foreach (var line in lines)
            {
                var result = schema.Evaluate(JsonDocument.Parse(line).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                Assert.True(result.IsValid, $"{file}: {line[..Math.Min(200, line.Length)]}: {Errors(result)}");
                records++;
            }
        }
        Assert.True(records > 300, $"only {records} records");
    }

    [Fact]
    public void TheSchema_RejectsWhatBreaksTheContract()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(DocsPath("schema/records.schema.json")));
        var good = JsonReplay.Lines(Path.Combine(Manifest.CapturesDirectory, "smtp-auth-plain-cleartext.pcap"));
        var finding = JsonNode.Parse(good.First(l => l.Contains("\"plaintext-credential\"")))!;
        Assert.True(schema.Evaluate(Element(finding)).IsValid);

        Assert.False(schema.Evaluate(Element(Changed(finding, f => f["evidence"]!["accepted"] = "true"))).IsValid);
        Assert.False(schema.Evaluate(Element(Changed(finding, f => f["ts"] = "2026-11-29 12:00:50"))).IsValid);
        Assert.False(schema.Evaluate(Element(Changed(finding, f => f["src_port"] = "53574"))).IsValid);
        Assert.False(schema.Evaluate(Element(Changed(finding, f => f.AsObject().Remove("community_id")))).IsValid);
        Assert.False(schema.Evaluate(Element(Changed(finding, f => f["type"] = "alert"))).IsValid);
    }

    [Fact]
    public void NoFieldChangesType_AndConfidenceAlwaysHasAFraction()
    {
        var kinds = new Dictionary<string, HashSet<JsonValueKind>>();
        foreach (var (_, lines) in AllLines.Value)
            foreach (var line in lines)
            {
                var root = JsonDocument.Parse(line).RootElement;
                var type = root.GetProperty("type").GetString();
                // By name alone, across record types: a SIEM index maps a field once.
                foreach (var field in root.EnumerateObject())
                    Note(kinds, field.Name, field.Value);
                if (type == "finding")
                {
                    foreach (var evidence in root.GetProperty("evidence").EnumerateObject())
                        Note(kinds, $"evidence.{evidence.Name}", evidence.Value);
                    Assert.Matches(@"""confidence"":[01]\.[0-9]+,", line);
                }
            }
        Assert.All(kinds, k => Assert.True(k.Value.Count == 1, $"{k.Key} is {string.Join(" and ", k.Value)}"));
        Assert.Equal([JsonValueKind.True], kinds["evidence.accepted"].Select(k => k == JsonValueKind.False ? JsonValueKind.True : k));
        Assert.Equal([JsonValueKind.Number], kinds["evidence.bytes"]);
    }

    [Fact]
    public void SessionAndFindings_NameTheFlow_ClientAsSource_WithItsCommunityId()
    {
        // Community IDs worked out independently (Python's hashlib over the spec's byte layout).
        var v4 = JsonReplay.Lines(Path.Combine(Manifest.CapturesDirectory, "smtp-auth-plain-cleartext.pcap"));
        Assert.Equal(3, v4.Count(l => !l.StartsWith("{\"type\":\"stats\"")));
        Assert.All(v4.Where(l => !l.StartsWith("{\"type\":\"stats\"")), line => Assert.Contains(
            "\"src_ip\":\"127.0.0.1\",\"src_port\":53574,\"dest_ip\":\"127.0.0.1\",\"dest_port\":587,\"community_id\":\"1:tD4pA16WpiDzyXO/DaF12CeNrnM=\",\"client\":\"127.0.0.1:53574\",\"server\":\"127.0.0.1:587\"", line));
        var v6 = JsonReplay.Lines(Path.Combine(Manifest.CapturesDirectory, "smtp-ipv6.pcap"));
        Assert.Contains("\"src_ip\":\"::1\",\"src_port\":56576,\"dest_ip\":\"::1\",\"dest_port\":587,\"community_id\":\"1:Cim95mm8mpqgNpTKn22qwyqfRBE=\",\"client\":\"[::1]:56576\",\"server\":\"[::1]:587\"", v6[0]);
        Assert.StartsWith("{\"type\":\"session\",\"ts\":\"2026-11-29T12:01:07.135196Z\",", v6[0]);
    }

    [Fact]
    public void Replay_EndsWithTheStatsRecord_OfWhatItCounted()
    {
        var lines = JsonReplay.Lines(Path.Combine(Manifest.CapturesDirectory, "smtp-auth-plain-cleartext.pcap"));
        Assert.Equal(
            "{\"type\":\"stats\",\"ts\":\"2026-11-29T12:00:50.171406Z\",\"mode\":\"replay\",\"packets\":23,\"bytes\":2362,\"sessions\":1,\"findings\":2,"
            + "\"findings_by_kind\":{\"plaintext-credential\":1,\"cleartext-mail\":1},"
            + "\"decode\":{\"tcp\":23,\"not_tcp\":0,\"truncated\":0,\"malformed\":0,\"fragment\":0,\"unsupported_link\":0,\"unknown_encapsulation\":0},"
            + "\"unknown_encapsulations\":{},"
            + "\"defragment\":{\"fragments\":0,\"datagrams_reassembled\":0,\"duplicates\":0,\"identical_overlaps\":0,\"overlap_conflicts\":0,"
            + "\"datagrams_dropped_on_conflict\":0,\"datagrams_timed_out\":0,\"datagrams_evicted\":0,\"datagram_cap_hits\":0,\"oversize\":0,"
            + "\"rejected\":0,\"tiny_first_fragments\":0,\"peak_buffered_bytes\":0},"
            + "\"drops\":{\"kernel\":0,\"interface\":0,\"sensor\":0,\"flows_evicted\":0,\"buffer_cap_hits\":0},\"anomalies_by_name\":{}}",
            lines[^1]);
        var postscreen = JsonReplay.Lines(Path.Combine(Manifest.CapturesDirectory, "smtp-postscreen-pregreet.pcap"));
        Assert.Contains("\"anomalies_by_name\":{\"unterminated-reply\":1}", postscreen[^1]);
    }

    [Fact]
    public void OutputDoc_DescribesEveryRecordTypeAndField()
    {
        var doc = File.ReadAllText(DocsPath("output.md"));
        var schema = JsonNode.Parse(File.ReadAllText(DocsPath("schema/records.schema.json")))!;
        foreach (var (type, def) in schema["$defs"]!.AsObject())
        {
            Assert.Contains($"### `{type}`", doc);
            foreach (var field in FieldNames(def!))
                Assert.True(Regex.IsMatch(doc, $"`{Regex.Escape(field)}`"), $"docs/output.md does not describe {type}.{field}");
        }
    }

    private static IEnumerable<string> FieldNames(JsonNode node) =>
        node is JsonObject o
            ? (o["properties"] is JsonObject p ? p.Select(kv => kv.Key) : []).Concat(o.SelectMany(kv => kv.Key == "properties"
                ? kv.Value!.AsObject().SelectMany(p => p.Key == "evidence" ? [] : FieldNames(p.Value!))
                : kv.Value is null ? [] : FieldNames(kv.Value)))
            : node is JsonArray a ? a.SelectMany(i => i is null ? [] : FieldNames(i)) : [];

    private static void Note(Dictionary<string, HashSet<JsonValueKind>> kinds, string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return;
        var kind = value.ValueKind == JsonValueKind.False ? JsonValueKind.True : value.ValueKind;
        if (!kinds.TryGetValue(name, out var set))
            kinds[name] = set = [];
        set.Add(kind);
    }

    private static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;

    private static JsonNode Changed(JsonNode record, Action<JsonNode> change)
    {
        var copy = record.DeepClone();
        change(copy);
        return copy;
    }

    private static string Errors(EvaluationResults result) =>
        string.Join("; ", result.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5));
}
