using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Sessions;

/// <summary>
/// A flow on a port that is not a mail port, waiting for its first line to say what it is.
/// Holds at most <see cref="MaxProbeBytes"/> bytes of whoever spoke first: a greeting line is short.
/// An SMTP client that speaks first (EHLO before the 220: Exim's PIPECONNECT, or a client that does
/// not wait) is held with its line until the server's first line, which then decides. A 220 greeting
/// that does not say SMTP (it could be FTP's) is held until the client's first line, which then decides.
/// </summary>
internal sealed class PendingFlow
{
    public const int MaxProbeBytes = 512;

    /// <summary>
    /// What a client that spoke first with its hello may send before the server's first line is in:
    /// a pipelining client sends its whole transaction (Exim: EHLO, MAIL, RCPT, BDAT and the body).
    /// Past it the flow is given up as not mail, so a silent server cannot make this grow.
    /// </summary>
    public const int MaxEarlyClientBytes = 16 << 10;

    private byte[] _buffer = [];
    private int _length;
    private byte[] _answer = [];
    private int _answerLength;
    private bool? _clientHello;
    private bool? _unnamedGreeting;

    public bool SawGap { get; set; }

    /// <summary>The side that spoke first; the buffered bytes are its.</summary>
    public Direction? Speaker { get; private set; }

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(0, _length);

    /// <summary>The other side's first bytes, kept only when a client's hello came first or the greeting did not say SMTP.</summary>
    public ReadOnlySpan<byte> Answer => _answer.AsSpan(0, _answerLength);

    /// <summary>
    /// Takes the first speaker's bytes (and, after a client's hello, the server's); true once a whole
    /// first line (or the probe cap) that can decide is in hand, or once the other side speaks.
    /// <paramref name="consumed"/> is how much of data was buffered.
    /// </summary>
    public bool Collect(Direction direction, ReadOnlySpan<byte> data, out int consumed)
    {
        Speaker ??= direction;
        if (direction == Speaker)
        {
            consumed = Take(ref _buffer, ref _length, data, ClientHelloFirst ? MaxEarlyClientBytes : MaxProbeBytes);
            if (!ClientHelloFirst)
                return (HasLine(Buffered) && !WaitsForHello) || _length == MaxProbeBytes;
            // the hello may have just completed in this chunk: what follows it waits with it
            consumed += Take(ref _buffer, ref _length, data[consumed..], MaxEarlyClientBytes);
            return consumed < data.Length; // past the early cap: given up

        }
        if (!ClientHelloFirst && !WaitsForHello)
        {
            consumed = 0;
            return true;
        }
        consumed = Take(ref _answer, ref _answerLength, data, MaxProbeBytes);
        return HasLine(Answer) || _answerLength == MaxProbeBytes;
    }

    /// <summary>
    /// Once <see cref="Collect"/> returned true: the protocol of the first line if it is a mail server's
    /// greeting, null when the flow is not mail. <paramref name="reversed"/>: the greeting came from the
    /// side guessed as client, which is only believed when no handshake said who is who.
    /// </summary>
    public MailProtocol? Identify(bool sawHandshake, out bool reversed)
    {
        if (ClientHelloFirst)
        {
            reversed = false;
            return MailProtocolDetector.ByServerGreeting(FirstLine(Answer)) == MailProtocol.Smtp ? MailProtocol.Smtp : null;
        }
        reversed = Speaker == Direction.ClientToServer;
        var protocol = WaitsForHello
            ? (MailProtocolDetector.IsSmtpHello(FirstLine(Answer)) ? MailProtocol.Smtp : null)
            : MailProtocolDetector.ByServerGreeting(FirstLine(Buffered));
        return reversed && sawHandshake ? null : protocol;
    }

    /// <summary>The client spoke first with a whole EHLO/HELO/LHLO line: its server's first line decides. Known once that line is whole.</summary>
    private bool ClientHelloFirst
    {
        get
        {
            if (_clientHello is null && HasLine(Buffered))
                _clientHello = Speaker == Direction.ClientToServer && MailProtocolDetector.IsSmtpHello(FirstLine(Buffered));
            return _clientHello == true;
        }
    }

    /// <summary>The first speaker's line is a 220 greeting without "SMTP": the other side's first line decides. Known once that line is whole.</summary>
    private bool WaitsForHello
    {
        get
        {
            if (_unnamedGreeting is null && HasLine(Buffered))
                _unnamedGreeting = !ClientHelloFirst && MailProtocolDetector.IsUnnamedSmtpGreeting(FirstLine(Buffered));
            return _unnamedGreeting == true;
        }
    }

    /// <summary>Appends what fits under <paramref name="cap"/>; the buffer grows by doubling from one probe's size.</summary>
    private static int Take(ref byte[] buffer, ref int length, ReadOnlySpan<byte> data, int cap)
    {
        int taken = Math.Min(data.Length, cap - length);
        if (length + taken > buffer.Length)
            Array.Resize(ref buffer, Math.Min(cap, Math.Max(Math.Max(MaxProbeBytes, buffer.Length * 2), length + taken)));
        data[..taken].CopyTo(buffer.AsSpan(length));
        length += taken;
        return taken;
    }

    private static bool HasLine(ReadOnlySpan<byte> bytes) => bytes.Contains((byte)'\n');

    private static ReadOnlySpan<byte> FirstLine(ReadOnlySpan<byte> bytes)
    {
        int newline = bytes.IndexOf((byte)'\n');
        return newline >= 0 ? bytes[..(newline + 1)] : bytes;
    }
}
