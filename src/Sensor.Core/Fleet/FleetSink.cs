using System.Text.Json;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Fleet;

/// <summary>
/// The record sink of fleet mode: each session, finding and verdict (as redacted as every other
/// output) goes to the bus as its JSON Lines record, on <c>sensor.&lt;sensor&gt;.&lt;type&gt;.&lt;kind&gt;</c>,
/// under its stable id, so a record made again (a capture replayed after a crash) is deduplicated by the stream.
/// </summary>
public sealed class FleetSink(FleetPublisher publisher) : IRecordSink
{
    public void OnSession(MailSession session, SessionRecordOnDemand record) =>
        publisher.Enqueue(FleetSubjects.Session, record.Value.Protocol, record.Value.Id, JsonSerializer.SerializeToUtf8Bytes(record.Value, RecordJsonContext.Default.SessionRecord));

    public void OnFinding(Finding finding, FindingRecord record) =>
        publisher.Enqueue(FleetSubjects.Finding, record.Kind, record.Id, JsonSerializer.SerializeToUtf8Bytes(record, RecordJsonContext.Default.FindingRecord));

    public void OnVerdict(VerdictRecord record) =>
        publisher.Enqueue(FleetSubjects.Verdict, record.Verdict, record.Id, JsonSerializer.SerializeToUtf8Bytes(record, RecordJsonContext.Default.VerdictRecord));
}
