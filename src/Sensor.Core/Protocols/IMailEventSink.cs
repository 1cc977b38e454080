namespace Sensor.Core.Protocols;

/// <summary>Where a parser puts what it saw.</summary>
public interface IMailEventSink
{
    void Emit(MailEvent mailEvent);
}

/// <summary>A sink that keeps every event in order; for tests and for the session builder.</summary>
public sealed class MailEventList : List<MailEvent>, IMailEventSink
{
    public void Emit(MailEvent mailEvent) => Add(mailEvent);
}
