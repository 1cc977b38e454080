namespace Sensor.Core.Sessions;

/// <summary>The next stage after sessions: detectors and sinks.</summary>
public interface ISessionConsumer
{
    /// <summary>A session has ended (closed, reset, idle, evicted or end of capture) and is complete.</summary>
    void OnSessionEnd(MailSession session);

    /// <summary>
    /// The server's first capability list in the clear (EHLO reply, IMAP CAPABILITY, POP3 CAPA) has just
    /// been read: live mode judges an overwritten STARTTLS here instead of at the session's end.
    /// </summary>
    void OnCapabilitiesSeen(MailSession session) { }

    /// <summary>
    /// The client's first bytes after that list: live mode judges a removed STARTTLS here. Not at the list
    /// itself: a second copy of it racing the first (an injection race) is known only once it came, and it
    /// comes before the client could answer.
    /// </summary>
    void OnCapabilitiesAnswered(MailSession session) { }

    /// <summary>A batch of flow events has been replayed (live capture hands one over at least every read timeout, even empty).</summary>
    void OnBatchReplayed() { }
}
