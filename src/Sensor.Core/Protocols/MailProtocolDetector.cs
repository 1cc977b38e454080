using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols;

/// <summary>Which mail protocol a flow speaks: by the server's port first, then by its first bytes.</summary>
public static class MailProtocolDetector
{
    /// <summary>
    /// The IANA ports: SMTP 25, submission 587 (RFC 6409), submissions 465 (RFC 8314, implicit TLS),
    /// 2525 (common alternative submission port); IMAP 143, imaps 993; POP3 110, pop3s 995.
    /// </summary>
    public static MailProtocol? ByPort(ushort serverPort, out bool implicitTls)
    {
        implicitTls = serverPort is 465 or 993 or 995;
        return serverPort switch
        {
            25 or 465 or 587 or 2525 => MailProtocol.Smtp,
            143 or 993 => MailProtocol.Imap,
            110 or 995 => MailProtocol.Pop3,
            _ => null,
        };
    }

    /// <summary>
    /// For other ports: "220 "/"220-" with "SMTP" on the line (RFC 5321 §4.3.1 greetings nearly all
    /// say ESMTP/SMTP), "* OK" (RFC 3501 §7.1.1), "+OK" (RFC 1939 §4). Null when none fits.
    /// </summary>
    public static MailProtocol? ByServerGreeting(ReadOnlySpan<byte> firstServerBytes)
    {
        int lf = firstServerBytes.IndexOf((byte)'\n');
        var line = lf < 0 ? firstServerBytes : firstServerBytes[..lf];
        if ((line.StartsWith("220 "u8) || line.StartsWith("220-"u8)) && Ascii.ContainsIgnoreCase(line, "SMTP"))
            return MailProtocol.Smtp;
        if (line.StartsWith("* OK"u8) || line.StartsWith("* PREAUTH"u8))
            return MailProtocol.Imap;
        if (line.StartsWith("+OK"u8))
            return MailProtocol.Pop3;
        return null;
    }

    /// <summary>
    /// A "220 "/"220-" greeting that does not say SMTP (RFC 5321 §4.3.1 asks only for the domain:
    /// Dovecot's submission service says "220 host Dovecot (Debian) ready."). FTP greets with 220
    /// too (RFC 959), so such a line is SMTP only if the client then says EHLO/HELO/LHLO.
    /// </summary>
    public static bool IsUnnamedSmtpGreeting(ReadOnlySpan<byte> firstServerLine) =>
        (firstServerLine.StartsWith("220 "u8) || firstServerLine.StartsWith("220-"u8))
        && firstServerLine.Length > 4 && firstServerLine[4] is not ((byte)' ' or (byte)'\r' or (byte)'\n')
        && !Ascii.ContainsIgnoreCase(firstServerLine, "SMTP");

    /// <summary>A client's EHLO, HELO or LHLO line (RFC 5321 §4.1.1.1, RFC 2033): SMTP from the client's side.</summary>
    public static bool IsSmtpHello(ReadOnlySpan<byte> line) =>
        line.Length > 5 && line[4] == (byte)' '
        && (Ascii.StartsWithIgnoreCase(line, "EHLO") || Ascii.StartsWithIgnoreCase(line, "HELO") || Ascii.StartsWithIgnoreCase(line, "LHLO"));
}
