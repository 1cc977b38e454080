using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Storage;

/// <summary>
/// Findings, verdicts, evidence and each server's history go to the store; session records only when
/// asked (--store-sessions): they are most of a capture's records and only `sensor sessions` reads
/// them, while what later runs judge by is the server history.
/// </summary>
public sealed class StoreSink(SensorStore store, bool keepSessions) : IRecordSink
{
    public void OnSession(MailSession session, SessionRecordOnDemand record) => store.Add(session, keepSessions ? record.Value : null);
    public void OnFinding(Finding finding, FindingRecord record) => store.Add(record);
    public void OnVerdict(VerdictRecord record) => store.Add(record);
    public void OnEvidence(EvidenceRecord record) => store.Add(record);
}
