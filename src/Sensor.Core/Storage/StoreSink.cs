using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Storage;

public sealed class StoreSink(SensorStore store) : IRecordSink
{
    public void OnSession(MailSession session, SessionRecord record) => store.Add(record, session);
    public void OnFinding(Finding finding, FindingRecord record) => store.Add(record);
    public void OnVerdict(VerdictRecord record) => store.Add(record);
    public void OnEvidence(EvidenceRecord record) => store.Add(record);
}
