using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sensor.Core.Output;

/// <summary>
/// A finding's evidence written by the type each value has (Catalogue/EvidenceKeys.cs: strings, integers,
/// booleans), with no lookup of a converter per value as the serialiser does for <c>object</c>; every
/// finding of a replay passes here. Read back, values are <see cref="JsonElement"/>s, as they would be
/// without this converter.
/// </summary>
public sealed class EvidenceJsonConverter : JsonConverter<Dictionary<string, object?>>
{
    public override Dictionary<string, object?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("evidence must be an object");
        var evidence = new Dictionary<string, object?>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            evidence[key] = reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
        }
        return evidence;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, object?> evidence, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in evidence)
        {
            writer.WritePropertyName(key);
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case string text: writer.WriteStringValue(text); break;
                case long number: writer.WriteNumberValue(number); break;
                case int number: writer.WriteNumberValue(number); break;
                case bool flag: writer.WriteBooleanValue(flag); break;
                case double number: writer.WriteNumberValue(number); break;
                case JsonElement element: element.WriteTo(writer); break;
                default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break; // no other type is in the catalogue
            }
        }
        writer.WriteEndObject();
    }
}
