using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols.Smtp;

/// <summary>What a pending reply answers. Greeting stands for the server's first reply (RFC 5321 §4.3.1).</summary>
internal enum SmtpCommand : byte
{
    Greeting, Ehlo, Helo, StartTls, Auth, Mail, Rcpt, Data, Bdat, Rset, Quit, Other,
}

internal static class SmtpVerbs
{
    /// <summary>RFC 5321 §4.1 verbs and the extensions Sensor follows; used to resync after a gap.</summary>
    private static readonly string[] Known =
        ["EHLO", "HELO", "LHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "QUIT", "NOOP", "VRFY", "EXPN", "HELP", "STARTTLS", "AUTH", "ETRN", "TURN", "XCLIENT", "XFORWARD"];

    public static SmtpCommand Classify(ReadOnlySpan<byte> verb)
    {
        if (verb.Length is < 4 or > 8)
            return SmtpCommand.Other;
        if (Ascii.EqualsIgnoreCase(verb, "EHLO") || Ascii.EqualsIgnoreCase(verb, "LHLO"))
            return SmtpCommand.Ehlo;
        if (Ascii.EqualsIgnoreCase(verb, "HELO")) return SmtpCommand.Helo;
        if (Ascii.EqualsIgnoreCase(verb, "STARTTLS")) return SmtpCommand.StartTls;
        if (Ascii.EqualsIgnoreCase(verb, "AUTH")) return SmtpCommand.Auth;
        if (Ascii.EqualsIgnoreCase(verb, "MAIL")) return SmtpCommand.Mail;
        if (Ascii.EqualsIgnoreCase(verb, "RCPT")) return SmtpCommand.Rcpt;
        if (Ascii.EqualsIgnoreCase(verb, "DATA")) return SmtpCommand.Data;
        if (Ascii.EqualsIgnoreCase(verb, "BDAT")) return SmtpCommand.Bdat;
        if (Ascii.EqualsIgnoreCase(verb, "RSET")) return SmtpCommand.Rset;
        if (Ascii.EqualsIgnoreCase(verb, "QUIT")) return SmtpCommand.Quit;
        return SmtpCommand.Other;
    }

    public static bool LooksLikeCommand(ReadOnlySpan<byte> line) => Ascii.FirstTokenIsOneOf(line, Known);
}
