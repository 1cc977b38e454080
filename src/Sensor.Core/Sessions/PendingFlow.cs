using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Sessions;

/// <summary>
/// A flow on a port that is not a mail port, waiting for its first line to say what it is.
/// Holds at most <see cref="MaxProbeBytes"/> bytes of whoever spoke first: a greeting line is short.
/// </summary>
internal sealed class PendingFlow
{
    public const int MaxProbeBytes = 512;

    private byte[] _buffer = [];
    private int _length;

    public bool SawGap { get; set; }

    /// <summary>The side that spoke first; the buffered bytes are its.</summary>
    public Direction? Speaker { get; private set; }

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(0, _length);

    /// <summary>
    /// Takes the first speaker's bytes; true once a whole first line (or the probe cap) is in hand,
    /// or once the other side speaks. <paramref name="consumed"/> is how much of data was buffered.
    /// </summary>
    public bool Collect(Direction direction, ReadOnlySpan<byte> data, out int consumed)
    {
        Speaker ??= direction;
        consumed = 0;
        if (direction != Speaker)
            return true;
        if (_buffer.Length == 0)
            _buffer = new byte[MaxProbeBytes];
        consumed = Math.Min(data.Length, MaxProbeBytes - _length);
        data[..consumed].CopyTo(_buffer.AsSpan(_length));
        _length += consumed;
        return Buffered.Contains((byte)'\n') || _length == MaxProbeBytes;
    }

    /// <summary>
    /// Once <see cref="Collect"/> returned true: the protocol of the first line if it is a mail server's
    /// greeting, null when the flow is not mail. <paramref name="reversed"/>: the greeting came from the
    /// side guessed as client, which is only believed when no handshake said who is who.
    /// </summary>
    public MailProtocol? Identify(bool sawHandshake, out bool reversed)
    {
        reversed = Speaker == Direction.ClientToServer;
        var protocol = MailProtocolDetector.ByServerGreeting(FirstLine);
        return reversed && sawHandshake ? null : protocol;
    }

    private ReadOnlySpan<byte> FirstLine
    {
        get
        {
            int newline = Buffered.IndexOf((byte)'\n');
            return newline >= 0 ? Buffered[..(newline + 1)] : Buffered;
        }
    }
}
