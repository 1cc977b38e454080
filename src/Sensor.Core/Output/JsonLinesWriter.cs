using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sensor.Core.Output;

/// <summary>JSON Lines: one record an line, snake_case names, flushed per line so a reader (or a crash) loses nothing written.</summary>
public sealed class JsonLinesWriter(Stream output) : IDisposable
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public void Write<T>(T record)
    {
        JsonSerializer.Serialize(output, record, Options);
        output.Write(NewLine);
        output.Flush();
    }

    public void Dispose() => output.Flush();
}
