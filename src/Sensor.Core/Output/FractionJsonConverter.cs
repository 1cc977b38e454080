using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sensor.Core.Output;

/// <summary>
/// Writes a number always with a fraction (1.0, not 1), so a SIEM that types a field from its first
/// value (Elasticsearch's dynamic mapping, Splunk's) makes a confidence a float, never an integer.
/// </summary>
public sealed class FractionJsonConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[40];
        if (!double.IsFinite(value) || !Utf8Formatter.TryFormat(value, text, out int written))
        {
            writer.WriteNumberValue(0.0); // a confidence is always finite; never write NaN, which is not JSON
            return;
        }
        if (text[..written].IndexOfAny(".Ee"u8) < 0)
        {
            ".0"u8.CopyTo(text[written..]);
            written += 2;
        }
        writer.WriteRawValue(text[..written], skipInputValidation: true);
    }
}
