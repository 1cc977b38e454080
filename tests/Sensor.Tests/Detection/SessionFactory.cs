using Sensor.Core.Decoding;
using Sensor.Core.Protocols;
using Sensor.Core.Sessions;

namespace Sensor.Tests.Detection;

/// <summary>Builds sessions the way the parser would, by feeding events through the real SessionBuilder.</summary>
internal static class SessionFactory
{
    public static MailSession Build(MailProtocol protocol, string server, params MailEvent[] events) =>
        Build(protocol, "192.0.2.10:40000", server, implicitTls: false, events);

    public static MailSession Build(MailProtocol protocol, string client, string server, bool implicitTls, params MailEvent[] events)
    {
        var session = new MailSession("s1", protocol, Endpoint.Parse(client), Endpoint.Parse(server),
            new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, implicitTls, midStream: false);
        var builder = new SessionBuilder(session);
        foreach (var e in events)
            builder.Emit(e);
        return session;
    }

    public static GreetingEvent SmtpGreeting(string host = "mail.example.test") => new($"220 {host} ESMTP Postfix", host);

    public static CapabilitiesEvent Ehlo(params string[] capabilities) => new(capabilities, CapabilitySource.Ehlo);
}
