using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Pop3;
using Sensor.Core.Protocols.Smtp;

namespace Sensor.Core.Protocols;

/// <summary>Makes the parser for a session once its protocol is known.</summary>
public static class MailParserFactory
{
    /// <param name="implicitTls">True on implicit-TLS ports (465, 993, 995, RFC 8314): the session is TLS from its first byte.</param>
    public static IMailSessionParser Create(MailProtocol protocol, bool implicitTls) => protocol switch
    {
        MailProtocol.Smtp => new SmtpSessionParser(implicitTls),
        MailProtocol.Imap => new ImapSessionParser(implicitTls),
        MailProtocol.Pop3 => new Pop3SessionParser(implicitTls),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "not a mail protocol"),
    };
}
