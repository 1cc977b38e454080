namespace Sensor.Core.Protocols;

public enum MailProtocol : byte
{
    Smtp,
    Imap,
    Pop3,
}

public static class MailProtocolNames
{
    public static string ToWire(this MailProtocol protocol) => protocol switch
    {
        MailProtocol.Smtp => "smtp",
        MailProtocol.Imap => "imap",
        MailProtocol.Pop3 => "pop3",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };
}
