using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Sensor.Core.Output;

/// <summary>The records' JSON shape, generated at build time: snake_case names, nulls kept.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SessionRecord))]
[JsonSerializable(typeof(FindingRecord))]
[JsonSerializable(typeof(ProbeRecord))]
[JsonSerializable(typeof(VerdictRecord))]
public sealed partial class RecordJsonContext : JsonSerializerContext;

/// <summary>
/// JSON Lines: one record a line. Each record is serialised whole into a reused buffer and written
/// with its newline in one call, so a reader never sees half a line. A replay's stream is buffered
/// and flushed when full and on dispose; a live capture's is flushed after every line
/// (<paramref name="flushEachLine"/>), so a SIEM sees each record the moment it is made.
/// </summary>
public sealed class JsonLinesWriter(Stream output, bool flushEachLine = false) : IDisposable
{
    public const int BufferBytes = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly BufferedStream _output = new(output, BufferBytes);
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null, WriterOptions);

    public void Write(SessionRecord record) => Write(record, RecordJsonContext.Default.SessionRecord);

    public void Write(FindingRecord record) => Write(record, RecordJsonContext.Default.FindingRecord);

    public void Write(ProbeRecord record) => Write(record, RecordJsonContext.Default.ProbeRecord);

    public void Write(VerdictRecord record) => Write(record, RecordJsonContext.Default.VerdictRecord);

    private void Write<T>(T record, JsonTypeInfo<T> type)
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        JsonSerializer.Serialize(_json, record, type);
        _json.Flush();
        _line.GetSpan(1)[0] = (byte)'\n';
        _line.Advance(1);
        _output.Write(_line.WrittenSpan);
        if (flushEachLine)
            _output.Flush();
    }

    public void Dispose()
    {
        _output.Flush();
        _json.Dispose();
    }
}
