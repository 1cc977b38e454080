using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Live;

/// <summary>
/// JSON Lines for a capture that never ends: each record is one whole line, written and flushed as it
/// is made, so `tail -f`, Filebeat or Vector see a session or finding the moment it ends. Several
/// capture threads may report at once, so writes are serialised.
/// </summary>
public sealed class LiveJsonLinesSink(Stream output) : IRecordSink, IDisposable
{
    private readonly JsonLinesWriter _writer = new(output, flushEachLine: true);
    private readonly Lock _gate = new();

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        lock (_gate)
            _writer.Write(record.Value);
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        lock (_gate)
            _writer.Write(record);
    }

    public void OnVerdict(VerdictRecord record)
    {
        lock (_gate)
            _writer.Write(record);
    }

    public void OnStats(StatsRecord record)
    {
        lock (_gate)
            _writer.Write(record);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
            output.Dispose();
        }
    }
}
