using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>Where finished sessions and findings go: JSON Lines, the store, the console summary, evidence.</summary>
public interface IRecordSink
{
    void OnSession(MailSession session, SessionRecord record);
    void OnFinding(Finding finding, FindingRecord record);
}
