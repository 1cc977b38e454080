using Sensor.Core.Protocols.Smtp;
using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols;

/// <summary>What one version of a server reply says about the upgrade.</summary>
public enum StartTlsStance : byte
{
    /// <summary>Neither a capability list nor an answer to STARTTLS: nothing to compare.</summary>
    None,
    /// <summary>A capability list with STARTTLS (STLS for POP3).</summary>
    Offered,
    /// <summary>A capability list without it.</summary>
    NotOffered,
    /// <summary>A go-ahead to a STARTTLS/STLS command: SMTP 220, IMAP tagged OK, POP3 +OK.</summary>
    Accepted,
    /// <summary>A refusal of it: SMTP 4xx/5xx, IMAP tagged NO/BAD, POP3 -ERR.</summary>
    Refused,
}

/// <summary>
/// Reads one version of a stretch of server bytes for what it says about STARTTLS, so two versions of
/// the same bytes (an injection race) can be compared. Pure and stateless: the stretch is whatever
/// TCP range was sent twice, normally a whole reply; a line cut at either end is skipped.
/// Capability lists: an SMTP EHLO reply (RFC 5321 §4.1.1.1: 250 lines, one keyword each), an IMAP
/// CAPABILITY response or greeting code (RFC 9051 §7.2.2), a POP3 CAPA listing (RFC 2449 §5).
/// </summary>
public static class ReplyStance
{
    /// <param name="answersStartTls">the client has sent STARTTLS/STLS, so a one-line status answers it</param>
    public static StartTlsStance Read(MailProtocol protocol, ReadOnlySpan<byte> bytes, bool answersStartTls)
    {
        var stance = StartTlsStance.None;
        int lines = 0;
        while (NextLine(ref bytes, out var line))
        {
            lines++;
            var found = protocol switch
            {
                MailProtocol.Smtp => SmtpLine(line, answersStartTls),
                MailProtocol.Imap => ImapLine(line, answersStartTls),
                _ => Pop3Line(line, answersStartTls, lines),
            };
            if (found == StartTlsStance.Offered)
                return found;
            if (stance == StartTlsStance.None)
                stance = found;
        }
        return stance;
    }

    /// <summary>The next whole line (without CRLF); a last line without its end still counts, when the range ends there.</summary>
    private static bool NextLine(ref ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> line)
    {
        if (bytes.IsEmpty)
        {
            line = default;
            return false;
        }
        int lf = bytes.IndexOf((byte)'\n');
        line = (lf >= 0 ? bytes[..lf] : bytes).TrimEnd((byte)'\r');
        bytes = lf >= 0 ? bytes[(lf + 1)..] : default;
        return true;
    }

    private static StartTlsStance SmtpLine(ReadOnlySpan<byte> line, bool answersStartTls)
    {
        if (!SmtpReplyLine.TryParse(line, out var reply))
            return StartTlsStance.None;
        if (reply.Code == 250)
            return IsKeyword(Ascii.NextToken(reply.Text, out _), "STARTTLS") ? StartTlsStance.Offered
                : reply.More || !Ascii.NextToken(reply.Text, out _).IsEmpty ? StartTlsStance.NotOffered : StartTlsStance.None;
        if (!answersStartTls)
            return StartTlsStance.None;
        return reply.Code == 220 ? StartTlsStance.Accepted : reply.Code >= 400 ? StartTlsStance.Refused : StartTlsStance.None;
    }

    private static StartTlsStance ImapLine(ReadOnlySpan<byte> line, bool answersStartTls)
    {
        var tag = Ascii.NextToken(line, out var rest);
        var status = Ascii.NextToken(rest, out _);
        int at = IndexOfWord(line, "CAPABILITY");
        if (at >= 0)
        {
            var atoms = line[(at + "CAPABILITY".Length)..];
            int close = atoms.IndexOf((byte)']');
            return HasWord(close >= 0 ? atoms[..close] : atoms, "STARTTLS") ? StartTlsStance.Offered : StartTlsStance.NotOffered;
        }
        if (!answersStartTls || tag.IsEmpty || tag.SequenceEqual("*"u8))
            return StartTlsStance.None;
        if (IsKeyword(status, "OK"))
            return StartTlsStance.Accepted;
        return IsKeyword(status, "NO") || IsKeyword(status, "BAD") ? StartTlsStance.Refused : StartTlsStance.None;
    }

    /// <summary>POP3 has no line that names CAPA's answer: a listing is a "+OK" line with more lines after it, an offer its "STLS" line.</summary>
    private static StartTlsStance Pop3Line(ReadOnlySpan<byte> line, bool answersStartTls, int number)
    {
        if (IsKeyword(Ascii.NextToken(line, out _), "STLS") && number > 1)
            return StartTlsStance.Offered;
        if (number == 2)
            return StartTlsStance.NotOffered; // a second line: a multi-line answer whose lines so far lack STLS
        if (number > 1 || !answersStartTls)
            return StartTlsStance.None;
        var status = Ascii.NextToken(line, out _);
        return status.SequenceEqual("+OK"u8) ? StartTlsStance.Accepted : status.SequenceEqual("-ERR"u8) ? StartTlsStance.Refused : StartTlsStance.None;
    }

    private static bool IsKeyword(ReadOnlySpan<byte> token, string keyword) => Ascii.EqualsIgnoreCase(token, keyword);

    private static bool HasWord(ReadOnlySpan<byte> words, string word) => IndexOfWord(words, word) >= 0;

    /// <summary>Where <paramref name="word"/> stands as a whole space-separated word (any case), or -1.</summary>
    private static int IndexOfWord(ReadOnlySpan<byte> text, string word)
    {
        int offset = 0;
        while (offset < text.Length)
        {
            var token = Ascii.NextToken(text[offset..], out var rest);
            if (token.IsEmpty)
                return -1;
            int start = text.Length - rest.Length - token.Length;
            if (IsKeyword(token.TrimStart((byte)'['), word))
                return start + (token[0] == (byte)'[' ? 1 : 0);
            offset = text.Length - rest.Length;
        }
        return -1;
    }
}
