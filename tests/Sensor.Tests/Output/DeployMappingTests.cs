using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Output;

/// <summary>
/// The SIEM mappings in deploy/ against real output: no Elasticsearch, Splunk, Vector or Fluent Bit
/// can run here, so each test does what the tool does with a line, from the mapping file itself.
/// </summary>
public class DeployMappingTests
{
    private static string Deploy(string path) => Path.Combine(Manifest.CapturesDirectory, "..", "deploy", path);

    private static readonly Lazy<List<string>> Lines = new(() => [.. JsonReplay.EveryCapture().SelectMany(c => c.Lines)]);

    /// <summary>Elasticsearch with this template: every field of every record is mapped, and its value is one the mapped type takes.</summary>
    [Fact]
    public void ElasticTemplate_MapsEveryFieldOfEveryRecord_WithATypeItsValuesFit()
    {
        var mappings = JsonDocument.Parse(File.ReadAllText(Deploy("elastic/sensor-template.json"))).RootElement.GetProperty("template").GetProperty("mappings");
        var properties = mappings.GetProperty("properties");
        int checkedValues = 0;
        foreach (var line in Lines.Value)
            foreach (var (path, value) in Leaves(JsonDocument.Parse(line).RootElement, ""))
            {
                var mapping = Find(properties, path);
                Assert.True(mapping is not null, $"{path} is not mapped: {line[..Math.Min(120, line.Length)]}");
                Assert.True(Fits(mapping!.Value, value), $"{path} = {value} does not fit {mapping}");
                checkedValues++;
            }
        Assert.True(checkedValues > 10_000, $"only {checkedValues} values");
    }

    [Fact]
    public void ElasticTemplate_EcsAliasesPointAtMappedFields()
    {
        var properties = JsonDocument.Parse(File.ReadAllText(Deploy("elastic/sensor-template.json"))).RootElement
            .GetProperty("template").GetProperty("mappings").GetProperty("properties");
        var aliases = Aliases(properties, "").ToList();
        Assert.Contains(("source.ip", "src_ip"), aliases);
        Assert.Contains(("network.community_id", "community_id"), aliases);
        Assert.All(aliases, a => Assert.True(Find(properties, a.Path) is { } target && target.GetProperty("type").GetString() != "alias", $"{a.Alias} -> {a.Path}"));
        Assert.Equal("ip", Find(properties, "src_ip")!.Value.GetProperty("type").GetString());
        Assert.Equal("date", Find(properties, "ts")!.Value.GetProperty("type").GetString());
        Assert.Equal("float", Find(properties, "confidence")!.Value.GetProperty("type").GetString());
    }

    /// <summary>Splunk with these props: one event a line, its time taken from "ts", stats records to their own sourcetype.</summary>
    [Fact]
    public void SplunkProps_BreakEachLine_TakeTheTimeFromTs_AndRouteStats()
    {
        var props = Stanzas(File.ReadAllText(Deploy("splunk/props.conf")));
        var transforms = Stanzas(File.ReadAllText(Deploy("splunk/transforms.conf")));
        var json = props["sensor:json"];
        Assert.Equal("false", json["SHOULD_LINEMERGE"]);
        Assert.Equal("json", json["KV_MODE"]);
        var stream = string.Join("\n", Lines.Value) + "\n";
        var events = Regex.Split(stream, json["LINE_BREAKER"]).Where(e => e.Length > 0 && !Regex.IsMatch(e, @"^[\r\n]+$")).ToList();
        Assert.Equal(Lines.Value, events);

        var prefix = new Regex(json["TIME_PREFIX"]);
        var format = StrptimeToDotNet(json["TIME_FORMAT"]);
        int lookahead = int.Parse(json["MAX_TIMESTAMP_LOOKAHEAD"]);
        var stats = new Regex(transforms[json["TRANSFORMS-sensor_stats"]]["REGEX"]);
        Assert.Equal("sourcetype::sensor:stats", transforms["sensor_stats_sourcetype"]["FORMAT"]);
        foreach (var line in events)
        {
            var match = prefix.Match(line);
            Assert.True(match.Success, line);
            var text = line.Substring(match.Index + match.Length, Math.Min(lookahead, line.Length - match.Index - match.Length));
            var time = DateTime.ParseExact(text[..27], format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var root = JsonDocument.Parse(line).RootElement;
            Assert.Equal(DateTime.Parse(root.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), time);
            Assert.Equal(root.GetProperty("type").GetString() == "stats", stats.IsMatch(line));
        }
        // CIM aliases name fields the records carry.
        foreach (var alias in json.Where(kv => kv.Key.StartsWith("FIELDALIAS-", StringComparison.Ordinal)))
            foreach (Match m in Regex.Matches(alias.Value, @"(\S+) AS \S+"))
                Assert.Contains(Lines.Value, l => Leaves(JsonDocument.Parse(l).RootElement, "").Any(leaf => leaf.Path == m.Groups[1].Value));
    }

    private static string StrptimeToDotNet(string format) =>
        format.Replace("%Y", "yyyy").Replace("%m", "MM").Replace("%d", "dd").Replace("%H", "HH").Replace("%M", "mm").Replace("%S", "ss").Replace("%6N", "ffffff");

    private static Dictionary<string, Dictionary<string, string>> Stanzas(string conf)
    {
        var result = new Dictionary<string, Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var raw in conf.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.StartsWith('['))
                result[line[1..^1]] = current = [];
            else if (current is not null && line.IndexOf(" = ", StringComparison.Ordinal) is var eq and > 0)
                current[line[..eq]] = line[(eq + 3)..];
        }
        return result;
    }

    /// <summary>Every scalar of a record by its dotted path, as Elasticsearch flattens objects (arrays of objects too).</summary>
    private static IEnumerable<(string Path, JsonElement Value)> Leaves(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                    foreach (var leaf in Leaves(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}"))
                        yield return leaf;
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var leaf in Leaves(item, path))
                        yield return leaf;
                break;
            case JsonValueKind.Null:
                break;
            default:
                yield return (path, element);
                break;
        }
    }

    /// <summary>The mapping of a dotted path; a dynamic object maps what is under it (new numeric counters become longs).</summary>
    private static JsonElement? Find(JsonElement properties, string path)
    {
        var parts = path.Split('.');
        var current = properties;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!current.TryGetProperty(parts[i], out var field))
                return null;
            if (i == parts.Length - 1)
                return field;
            if (field.TryGetProperty("dynamic", out var dynamic) && dynamic.ValueKind == JsonValueKind.True)
                return JsonDocument.Parse("{\"type\":\"long\"}").RootElement;
            if (field.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.False)
                return field;
            if (!field.TryGetProperty("properties", out current))
                return null;
        }
        return null;
    }

    private static IEnumerable<(string Alias, string Path)> Aliases(JsonElement properties, string prefix)
    {
        foreach (var p in properties.EnumerateObject())
        {
            var name = prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}";
            if (p.Value.TryGetProperty("type", out var type) && type.GetString() == "alias")
                yield return (name, p.Value.GetProperty("path").GetString()!);
            else if (p.Value.TryGetProperty("properties", out var inner))
                foreach (var alias in Aliases(inner, name))
                    yield return alias;
        }
    }

    private static bool Fits(JsonElement mapping, JsonElement value)
    {
        if (mapping.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.False)
            return true;
        return mapping.GetProperty("type").GetString() switch
        {
            "keyword" or "text" => value.ValueKind == JsonValueKind.String,
            "ip" => value.ValueKind == JsonValueKind.String && IPAddress.TryParse(value.GetString(), out _),
            "date" => value.ValueKind == JsonValueKind.String && DateTime.TryParseExact(value.GetString(), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "long" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "float" or "double" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ => false,
        };
    }
}
