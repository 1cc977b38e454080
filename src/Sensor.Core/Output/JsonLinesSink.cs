using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

public sealed class JsonLinesSink(JsonLinesWriter writer) : IRecordSink
{
    public void OnSession(MailSession session, SessionRecord record) => writer.Write(record);
    public void OnFinding(Finding finding, FindingRecord record) => writer.Write(record);
    public void OnVerdict(VerdictRecord record) => writer.Write(record);
}
