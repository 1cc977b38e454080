namespace Sensor.Core.Protocols.Text;

/// <summary>What <see cref="LineFramer.TryReadLine"/> found.</summary>
public enum FrameStatus : byte
{
    /// <summary>No whole line yet; every byte given was taken (kept, or discarded).</summary>
    NeedMore,
    /// <summary>A whole line, terminator stripped.</summary>
    Line,
    /// <summary>The line crossed the cap; it is dropped up to the next LF (Suricata's discard_till_lf). Reported once per line.</summary>
    TooLong,
}

/// <summary>
/// Assembles one direction's lines from input split anywhere. A line ends at LF; a CR before it is
/// stripped (RFC 5321 §2.3.8 wants CRLF, but bare LF is common enough on the wire to accept).
/// A line that arrives in one span is returned as a slice of it (no copy); only a line split across
/// calls is copied into a buffer, which grows up to <see cref="MaxLineBytes"/> and no further.
/// </summary>
public sealed class LineFramer
{
    /// <summary>RFC 5321 §4.5.3.1.4 allows 512 octets for a command line, §4.5.3.1.5 for a reply line; real clients exceed it (AUTH with long tokens).</summary>
    public const int DefaultMaxLineBytes = 4096;

    private byte[] _buffer = [];
    private int _length;
    private bool _discarding;
    private bool _afterGap;

    public LineFramer(int maxLineBytes = DefaultMaxLineBytes) => MaxLineBytes = Math.Max(16, maxLineBytes);

    /// <summary>The cap on a line's length, terminator included.</summary>
    public int MaxLineBytes { get; }

    /// <summary>True when part of a line is held (or being discarded).</summary>
    public bool MidLine => _length > 0 || _discarding;

    /// <summary>
    /// Takes the next line from <paramref name="data"/>. The returned line is valid until the next call.
    /// </summary>
    public FrameStatus TryReadLine(ref ReadOnlySpan<byte> data, out ReadOnlySpan<byte> line)
    {
        line = default;
        while (!data.IsEmpty)
        {
            int lf = data.IndexOf((byte)'\n');
            if (_discarding)
            {
                if (lf < 0)
                {
                    data = default;
                    return FrameStatus.NeedMore;
                }
                data = data[(lf + 1)..];
                _discarding = false;
                continue;
            }
            return lf < 0 ? Hold(ref data) : Complete(ref data, lf, out line);
        }
        return FrameStatus.NeedMore;
    }

    /// <summary>Bytes were lost: drop the partial line; the next line may be the tail of a lost one (see <see cref="TakeGapFlag"/>).</summary>
    public void Gap()
    {
        _length = 0;
        _discarding = false;
        _afterGap = true;
    }

    /// <summary>True once for the first line after a <see cref="Gap"/>: the caller keeps it only if it plainly starts a protocol line.</summary>
    public bool TakeGapFlag()
    {
        bool flag = _afterGap;
        _afterGap = false;
        return flag;
    }

    /// <summary>Takes up to <paramref name="remaining"/> raw bytes (an IMAP literal, a BDAT chunk): exact-count mode.</summary>
    public static ReadOnlySpan<byte> TakeRaw(ref ReadOnlySpan<byte> data, ref long remaining)
    {
        int take = (int)Math.Min(remaining, data.Length);
        var chunk = data[..take];
        data = data[take..];
        remaining -= take;
        return chunk;
    }

    private FrameStatus Hold(ref ReadOnlySpan<byte> data)
    {
        if (_length + data.Length > MaxLineBytes)
        {
            _length = 0;
            _discarding = true;
            data = default;
            return FrameStatus.TooLong;
        }
        Append(data);
        data = default;
        return FrameStatus.NeedMore;
    }

    private FrameStatus Complete(ref ReadOnlySpan<byte> data, int lf, out ReadOnlySpan<byte> line)
    {
        line = default;
        var body = data[..lf];
        data = data[(lf + 1)..];
        if (_length + body.Length > MaxLineBytes)
        {
            _length = 0;
            return FrameStatus.TooLong;
        }
        if (_length == 0)
        {
            line = TrimCr(body);
            return FrameStatus.Line;
        }
        Append(body);
        line = TrimCr(_buffer.AsSpan(0, _length));
        _length = 0;
        return FrameStatus.Line;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length < _length + bytes.Length)
            Array.Resize(ref _buffer, Math.Min(MaxLineBytes, Math.Max(256, (_length + bytes.Length) * 2)));
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
