using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Pipeline;

/// <summary>
/// Takes finished sessions, learns from them what each server offers, judges them and passes
/// sessions and findings to the sinks. Sessions that lack STARTTLS are judged at <see cref="Complete"/>,
/// when the whole capture has said what it knows of their servers.
/// </summary>
public sealed class DetectionStage(SessionDetector detector, ServerKnowledge knowledge, RecordMapper mapper, IReadOnlyList<IRecordSink> sinks)
    : ISessionConsumer
{
    private readonly List<MailSession> _awaitingVerdict = [];

    public long Sessions { get; private set; }
    public long Findings { get; private set; }

    public void OnSessionEnd(MailSession session)
    {
        Sessions++;
        knowledge.Observe(session);
        var record = mapper.ToRecord(session);
        foreach (var sink in sinks)
            sink.OnSession(session, record);
        foreach (var finding in detector.Judge(session))
            Emit(finding);
        if (detector.AwaitsStartTlsVerdict(session))
            _awaitingVerdict.Add(session);
    }

    /// <summary>Judges the sessions whose verdict waited for the whole capture.</summary>
    public void Complete()
    {
        foreach (var session in _awaitingVerdict)
            Emit(detector.JudgeMissingStartTls(session));
        _awaitingVerdict.Clear();
    }

    private void Emit(Finding finding)
    {
        Findings++;
        var record = mapper.ToRecord(finding);
        foreach (var sink in sinks)
            sink.OnFinding(finding, record);
    }
}
