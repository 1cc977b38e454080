using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;
using Sensor.Core.Storage;

namespace Sensor.Core.Live;

/// <summary>
/// The store for a capture that never ends: commits every finding at once and sessions (their server
/// history, and their records when kept) every <see cref="SessionsPerCommit"/>, so a crash loses little
/// and the store never waits for the end.
/// </summary>
public sealed class LiveStoreSink(SensorStore store, bool keepSessions) : IRecordSink
{
    public const int SessionsPerCommit = 100;

    private readonly StoreSink _inner = new(store, keepSessions);
    private int _pending;

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        _inner.OnSession(session, record);
        if (++_pending >= SessionsPerCommit)
            Commit();
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        _inner.OnFinding(finding, record);
        Commit();
    }

    public void OnVerdict(VerdictRecord record) => _inner.OnVerdict(record);

    private void Commit()
    {
        store.Flush();
        _pending = 0;
    }
}
