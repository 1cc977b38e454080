using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols.Smtp;

/// <summary>
/// Keeps the text of a multi-line reply, only for the replies whose text matters (greeting, EHLO,
/// STARTTLS); other replies are matched by code alone and cost no strings.
/// </summary>
internal sealed class SmtpReplyCollector
{
    private readonly List<string> _lines = [];

    /// <summary>The first line as sent, code included: the banner.</summary>
    public string FirstLine { get; private set; } = "";

    /// <summary>The host name the greeting's first line gives, when it gives one.</summary>
    public string? ServerName { get; private set; }

    public void Add(ReadOnlySpan<byte> line, SmtpReplyLine reply, bool isGreeting)
    {
        if (_lines.Count == 0)
        {
            FirstLine = WireText.Escape(line);
            ServerName = isGreeting ? SmtpReplyLine.ServerName(reply.Text) : null;
        }
        _lines.Add(WireText.Escape(reply.Text));
    }

    /// <summary>RFC 5321 §4.1.1.1: the EHLO reply's first line names the server; each later line is one extension, text as sent.</summary>
    public IReadOnlyList<string> LinesAfterFirst() => _lines.Count <= 1 ? [] : _lines[1..];

    public void Clear()
    {
        _lines.Clear();
        FirstLine = "";
        ServerName = null;
    }
}
