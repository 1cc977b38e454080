namespace Sensor.Core.Sessions;

/// <summary>The next stage after sessions: detectors and sinks.</summary>
public interface ISessionConsumer
{
    /// <summary>A session has ended (closed, reset, idle, evicted or end of capture) and is complete.</summary>
    void OnSessionEnd(MailSession session);
}
