using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>Where finished sessions, findings and verdicts go: JSON Lines, the store, the console summary, evidence.</summary>
public interface IRecordSink
{
    /// <summary>A finished mail session; its record is mapped only when a sink reads <see cref="SessionRecordOnDemand.Value"/>.</summary>
    void OnSession(MailSession session, SessionRecordOnDemand record);
    void OnFinding(Finding finding, FindingRecord record);

    /// <summary>A cross-check verdict, made at the end of a capture; sinks that have no use for it ignore it.</summary>
    void OnVerdict(VerdictRecord record) { }

    /// <summary>A finding's evidence pcap, written after a replay; sinks that have no use for it ignore it.</summary>
    void OnEvidence(EvidenceRecord record) { }
    /// <summary>A live sensor's periodic stats record; only the JSON Lines outputs write it.</summary>
    void OnStats(StatsRecord record) { }
}
