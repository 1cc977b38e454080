using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Live;

/// <summary>
/// JSON Lines for a capture that never ends: each record is one whole line, written and flushed as it
/// is made, so `tail -f`, Filebeat or Vector see a session or finding the moment it ends. Same record
/// shapes and encoding as <see cref="JsonLinesWriter"/>.
/// </summary>
public sealed class LiveJsonLinesSink(Stream output) : IRecordSink, IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null, WriterOptions);
    private readonly Lock _gate = new();

    /// <summary>Opens (creating with mode 0640) a file that records are appended to.</summary>
    public static LiveJsonLinesSink AppendTo(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        return new LiveJsonLinesSink(new FileStream(path, options));
    }

    public void OnSession(MailSession session, SessionRecord record) => Write(record, RecordJsonContext.Default.SessionRecord);

    public void OnFinding(Finding finding, FindingRecord record) => Write(record, RecordJsonContext.Default.FindingRecord);

    public void OnVerdict(VerdictRecord record) => Write(record, RecordJsonContext.Default.VerdictRecord);

    private void Write<T>(T record, JsonTypeInfo<T> type)
    {
        lock (_gate)
        {
            _line.ResetWrittenCount();
            _json.Reset(_line);
            JsonSerializer.Serialize(_json, record, type);
            _json.Flush();
            _line.GetSpan(1)[0] = (byte)'\n';
            _line.Advance(1);
            output.Write(_line.WrittenSpan);
            output.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            output.Flush();
            output.Dispose();
            _json.Dispose();
        }
    }
}
