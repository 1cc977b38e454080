using Sensor.Core.Protocols.Text;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Pop3;
using Sensor.Core.Protocols.Smtp;

namespace Sensor.Core.Protocols;

/// <summary>Makes the parser for a session once its protocol is known.</summary>
public static class MailParserFactory
{
    /// <param name="implicitTls">True on implicit-TLS ports (465, 993, 995, RFC 8314): the session is TLS from its first byte.</param>
    /// <param name="budget">what the parser's buffers may hold past their free size, shared by every session; null: unlimited</param>
    public static IMailSessionParser Create(MailProtocol protocol, bool implicitTls, BufferBudget? budget = null) => protocol switch
    {
        MailProtocol.Smtp => new SmtpSessionParser(implicitTls, budget: budget),
        MailProtocol.Imap => new ImapSessionParser(implicitTls, budget),
        MailProtocol.Pop3 => new Pop3SessionParser(implicitTls, budget),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "not a mail protocol"),
    };
}
