using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Live;

/// <summary>
/// The sinks and the store's server history, shared by every worker's sessions thread behind one
/// lock: the store and most sinks are written for one caller, and the store is both a sink and the
/// history that detection reads.
/// </summary>
internal sealed class SerializedOutputs(IReadOnlyList<IRecordSink> sinks, IServerHistory? history) : IRecordSink, IServerHistory
{
    private readonly Lock _gate = new();

    public IServerHistory? History => history is null ? null : this;

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        lock (_gate)
            foreach (var sink in sinks)
                sink.OnSession(session, record);
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        lock (_gate)
            foreach (var sink in sinks)
                sink.OnFinding(finding, record);
    }

    public void OnVerdict(VerdictRecord record)
    {
        lock (_gate)
            foreach (var sink in sinks)
                sink.OnVerdict(record);
    }

    /// <summary>Reads what the sinks gathered (the cross-check's passive side) while no session is being reported.</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
            return read();
    }

    public bool SawStartTlsOffered(string serverKey, out string? run)
    {
        lock (_gate)
            return history!.SawStartTlsOffered(serverKey, out run);
    }
}
