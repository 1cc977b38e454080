using Sensor.Core.CrossCheck;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Pipeline;

/// <summary>
/// Takes finished sessions, learns from them what each server offers, judges them and passes
/// sessions and findings to the sinks. A session that lacks STARTTLS from a server not (yet) known
/// to offer it, or whose client sent credentials without using the STARTTLS offered (not shown to
/// it, if it upgraded with that server before?), waits for <see cref="Complete"/>, when the whole
/// capture has said what it knows of its server and clients; at most <see cref="MaxAwaitingVerdict"/> wait, and past that the oldest is judged
/// on what is known so far, so memory stays bounded on any capture. With a cross-check, the end of
/// the capture also compares each server's sessions with probes from elsewhere and emits verdicts.
/// </summary>
public sealed class DetectionStage(SessionDetector detector, ServerKnowledge knowledge, RecordMapper mapper, IReadOnlyList<IRecordSink> sinks,
    CrossChecker? crossCheck = null)
    : ISessionConsumer
{
    public const int MaxAwaitingVerdict = 20_000;

    private readonly Queue<MailSession> _awaitingVerdict = new();

    // Live mode: the STARTTLS finding already reported at a session's capability list, so its end does not repeat it.
    private readonly Dictionary<MailSession, Finding> _judgedEarly = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Live mode: a capture that never ends cannot wait for its end, so a session lacking STARTTLS is judged
    /// (removed or absent) when it ends, after <see cref="AbsentGrace"/> when nothing is known yet, on what is
    /// known then: this capture's history on every worker, the store, policy.
    /// </summary>
    public bool JudgeAsSeen { get; init; }

    /// <summary>
    /// Live mode: how long a session lacking STARTTLS from a server not known to offer it waits before it is
    /// judged `absent`. Other workers hand their sessions to detection in batches; one may be about to say
    /// it saw this server offer STARTTLS (the direct leg of a proxied session, or the server's previous
    /// session, milliseconds apart), which makes it `removed`. The grace covers a worker's hand-over delay.
    /// </summary>
    public TimeSpan AbsentGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock of the grace; tests pass a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    // Live mode: sessions lacking STARTTLS waiting out their grace, oldest first (equal graces keep them in order).
    private readonly Queue<(MailSession Session, long Until)> _inGrace = new();

    public long Sessions { get; private set; }

    /// <summary>Connections on mail ports that carried no byte (scans, refused or abandoned handshakes): counted, not reported.</summary>
    public long EmptySessions { get; private set; }
    public long Findings { get; private set; }
    public long Verdicts { get; private set; }

    /// <summary>Live mode: a mangled STARTTLS is reported at the capability list, once.</summary>
    public void OnCapabilitiesSeen(MailSession session)
    {
        if (!JudgeAsSeen)
            return;
        knowledge.Observe(session);
        JudgeEarly(session, StripVariants.Mangled);
    }

    /// <summary>Live mode: a removed STARTTLS is reported when the client answers the capability list (a racing copy of it has come by then), once.</summary>
    public void OnCapabilitiesAnswered(MailSession session)
    {
        if (JudgeAsSeen && !_judgedEarly.ContainsKey(session))
            JudgeEarly(session, StripVariants.Removed);
    }

    private void JudgeEarly(MailSession session, string variant)
    {
        // Only a strip is reported early. "Absent" means nothing is known yet of the server offering STARTTLS,
        // and another worker may be about to learn it (the direct leg of a proxied session, or the server's
        // previous session, milliseconds apart). Judged at the session's end instead, the verdict does not
        // depend on which worker saw what first.
        if (detector.JudgeStartTlsOffer(session) is not { } finding || finding.Variant != variant)
            return;
        _judgedEarly[session] = finding;
        Emit(finding);
    }

    /// <summary>Live mode: the verdicts whose grace has passed are given now.</summary>
    public void OnBatchReplayed()
    {
        if (_inGrace.Count == 0)
            return; // replay, and a live worker with nothing waiting: no clock read per batch
        long now = Clock.GetTimestamp();
        while (_inGrace.TryPeek(out var waiting) && waiting.Until <= now)
            Emit(detector.JudgeMissingStartTls(_inGrace.Dequeue().Session));
    }

    public void OnSessionEnd(MailSession session)
    {
        _judgedEarly.Remove(session, out var early);
        if (session.BytesClient + session.BytesServer == 0)
        {
            EmptySessions++;
            return;
        }
        Sessions++;
        knowledge.Observe(session);
        var record = new SessionRecordOnDemand(mapper, session);
        for (int i = 0; i < sinks.Count; i++)   // not foreach: an interface enumerator per session
            sinks[i].OnSession(session, record);
        foreach (var finding in detector.Judge(session))
            if (early is null || finding.Kind != early.Kind || finding.Variant != early.Variant)
                Emit(finding);
        if (detector.AwaitsStartTlsVerdict(session) && early is null)
            Await(session);
    }

    /// <summary>Judges the sessions whose verdict waited for the whole capture, then makes the cross-check verdicts.</summary>
    public void Complete()
    {
        crossCheck?.Settle();
        while (_inGrace.TryDequeue(out var waiting))
            Emit(detector.JudgeMissingStartTls(waiting.Session));
        while (_awaitingVerdict.TryDequeue(out var session))
            Emit(detector.JudgeMissingStartTls(session));
        if (crossCheck is null)
            return;
        foreach (var verdict in crossCheck.Verdicts())
        {
            Verdicts++;
            verdict.Run = mapper.Run;
            foreach (var sink in sinks)
                sink.OnVerdict(verdict);
        }
    }

    private void Await(MailSession session)
    {
        if (detector.StartTlsVerdictKnown(session))
        {
            Emit(detector.JudgeMissingStartTls(session));
            return;
        }
        if (JudgeAsSeen)
        {
            _inGrace.Enqueue((session, Clock.GetTimestamp() + (long)(AbsentGrace.TotalSeconds * Clock.TimestampFrequency)));
            return;
        }
        if (detector.VerdictFinalAtEnd(session))
        {
            Emit(detector.JudgeMissingStartTls(session));
            return;
        }
        _awaitingVerdict.Enqueue(session);
        if (_awaitingVerdict.Count > MaxAwaitingVerdict)
            Emit(detector.JudgeMissingStartTls(_awaitingVerdict.Dequeue()));
    }

    private void Emit(Finding? finding)
    {
        if (finding is null)
            return;
        Findings++;
        var record = mapper.ToRecord(finding);
        for (int i = 0; i < sinks.Count; i++)
            sinks[i].OnFinding(finding, record);
    }
}
