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

    public ReadOnlySpan<byte> FirstLine
    {
        get
        {
            int newline = Buffered.IndexOf((byte)'\n');
            return newline >= 0 ? Buffered[..(newline + 1)] : Buffered;
        }
    }
}
