// Temporary stand-ins until the parsers branch lands; deleted at that merge.
namespace Sensor.Core.Protocols;
public static class MailProtocolDetector
{
    public static MailProtocol? ByPort(ushort port, out bool implicitTls) { implicitTls = false; return null; }
    public static MailProtocol? ByServerGreeting(ReadOnlySpan<byte> firstLine) => null;
}
public static class MailParserFactory
{
    public static IMailSessionParser Create(MailProtocol protocol, bool implicitTls) => throw new NotImplementedException();
}
