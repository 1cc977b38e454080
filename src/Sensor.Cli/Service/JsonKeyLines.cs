using System.Text.Json;

namespace Sensor.Cli.Service;

/// <summary>
/// The line of each key in a JSON config file, by its configuration path ("Capture:Interfaces:0"),
/// so an error can say where it is. Read the way the configuration reads it: comments and trailing
/// commas allowed, keys case-insensitive.
/// </summary>
public static class JsonKeyLines
{
    public static IReadOnlyDictionary<string, int> Read(byte[] json)
    {
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (reader.Read())
                ReadValue(ref reader, json, null, lines);
        }
        catch (JsonException)
        {
            // The configuration reports bad JSON itself, with its line; the keys read so far still help.
        }
        return lines;
    }

    /// <summary>Records the keys under the value the reader is on, leaving the reader on its last token.</summary>
    private static void ReadValue(ref Utf8JsonReader reader, byte[] json, string? path, Dictionary<string, int> lines)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = Join(path, reader.GetString()!);
                lines.TryAdd(key, LineAt(json, reader.TokenStartIndex));
                reader.Read();
                ReadValue(ref reader, json, key, lines);
            }
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            for (int index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                var key = Join(path, index.ToString());
                lines.TryAdd(key, LineAt(json, reader.TokenStartIndex));
                ReadValue(ref reader, json, key, lines);
            }
        }
    }

    private static string Join(string? path, string key) => path is null ? key : $"{path}:{key}";

    private static int LineAt(byte[] json, long offset) => json.AsSpan(0, (int)offset).Count((byte)'\n') + 1;
}
