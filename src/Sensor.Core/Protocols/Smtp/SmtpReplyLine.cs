using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols.Smtp;

/// <summary>
/// One reply line, RFC 5321 §4.2: three digits, then "-" when more lines follow, or " " (or nothing)
/// on the last line of the reply.
/// </summary>
internal readonly ref struct SmtpReplyLine
{
    public SmtpReplyLine(int code, bool more, ReadOnlySpan<byte> text)
    {
        Code = code;
        More = more;
        Text = text;
    }

    public int Code { get; }
    public bool More { get; }
    public ReadOnlySpan<byte> Text { get; }

    public static bool TryParse(ReadOnlySpan<byte> line, out SmtpReplyLine reply)
    {
        reply = default;
        if (!LooksLikeReply(line))
            return false;
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        bool more = line.Length > 3 && line[3] == (byte)'-';
        reply = new SmtpReplyLine(code, more, line.Length > 4 ? line[4..] : default);
        return true;
    }

    /// <summary>Three digits followed by space, "-" or the line end: what resync after a gap accepts.</summary>
    public static bool LooksLikeReply(ReadOnlySpan<byte> line) =>
        line.Length >= 3 && Ascii.IsDigit(line[0]) && Ascii.IsDigit(line[1]) && Ascii.IsDigit(line[2])
        && (line.Length == 3 || line[3] == (byte)' ' || line[3] == (byte)'-');

    /// <summary>
    /// The host name an SMTP greeting gives first (RFC 5321 §4.3.1: "220 SP Domain"), when the token
    /// looks like one: letters, digits, '-', '.', '_' with at least one letter, or an address literal.
    /// </summary>
    public static string? ServerName(ReadOnlySpan<byte> text)
    {
        var token = Ascii.NextToken(text, out _);
        if (token.IsEmpty || token.Length > 255)
            return null;
        if (token[0] == (byte)'[' && token[^1] == (byte)']')
            return WireText.Escape(token);
        bool letter = false;
        foreach (byte b in token)
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z')
                letter = true;
            else if (!Ascii.IsDigit(b) && b is not ((byte)'-' or (byte)'.' or (byte)'_'))
                return null;
        }
        return letter ? WireText.Escape(token) : null;
    }
}
