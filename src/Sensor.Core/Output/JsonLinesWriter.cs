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
[JsonSerializable(typeof(EvidenceRecord))]
[JsonSerializable(typeof(StatsRecord))]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(ServerRecord))]
// An evidence value is an object: its runtime types, for the serialiser to find without reflection.
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class RecordJsonContext : JsonSerializerContext;

/// <summary>
/// JSON Lines: one record a line. Records are serialised straight into one pending buffer, which goes
/// to the stream whole lines at a time, so a reader never sees half a line: a replay's once
/// <see cref="BufferBytes"/> are pending and on dispose, a live capture's after every line
/// (<paramref name="flushEachLine"/>), so a SIEM sees each record the moment it is made. (A line
/// buffer copied into a BufferedStream cost a second copy of every byte, bench/README.md.)
/// </summary>
public sealed class JsonLinesWriter(Stream output, bool flushEachLine = false) : IDisposable
{
    public const int BufferBytes = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // The source-generated serialiser writes only well-formed records; checking each token again is wasted.
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte> _pending = new(2 * BufferBytes);
    private readonly Utf8JsonWriter _json = new(Stream.Null, WriterOptions);

    public void Write(SessionRecord record) => Write(record, RecordJsonContext.Default.SessionRecord);

    public void Write(FindingRecord record) => Write(record, RecordJsonContext.Default.FindingRecord);

    public void Write(ProbeRecord record) => Write(record, RecordJsonContext.Default.ProbeRecord);

    public void Write(VerdictRecord record) => Write(record, RecordJsonContext.Default.VerdictRecord);

    public void Write(EvidenceRecord record) => Write(record, RecordJsonContext.Default.EvidenceRecord);
    public void Write(StatsRecord record) => Write(record, RecordJsonContext.Default.StatsRecord);
    public void Write(RunRecord record) => Write(record, RecordJsonContext.Default.RunRecord);
    public void Write(ServerRecord record) => Write(record, RecordJsonContext.Default.ServerRecord);

    private void Write<T>(T record, JsonTypeInfo<T> type)
    {
        _json.Reset(_pending);
        JsonSerializer.Serialize(_json, record, type);
        _json.Flush();
        _pending.GetSpan(1)[0] = (byte)'\n';
        _pending.Advance(1);
        if (flushEachLine || _pending.WrittenCount >= BufferBytes)
            WritePending();
    }

    private void WritePending()
    {
        // Not even an empty write: a rotating file rotates on a write past its time boundary.
        if (_pending.WrittenCount == 0)
            return;
        output.Write(_pending.WrittenSpan);
        _pending.ResetWrittenCount();
        if (flushEachLine)
            output.Flush();
    }

    public void Dispose()
    {
        WritePending();
        output.Flush();
        _json.Dispose();
    }
}
