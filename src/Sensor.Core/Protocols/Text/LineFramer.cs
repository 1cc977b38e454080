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
/// The first <see cref="FreeBytes"/> of that buffer are free (the live memory plan counts them per
/// flow); growing past them reserves the rest from a <see cref="BufferBudget"/>, and a refusal drops the
/// line as too long. Once the line is out (or dropped) the buffer is let go and the reservation released.
/// </summary>
public sealed class LineFramer
{
    /// <summary>RFC 5321 §4.5.3.1.4 allows 512 octets for a command line, §4.5.3.1.5 for a reply line; real clients exceed it (AUTH with long tokens).</summary>
    public const int DefaultMaxLineBytes = 4096;

    private byte[] _buffer = [];
    private int _length;
    private bool _discarding;
    private bool _afterGap;
    private readonly BufferBudget _budget;
    private int _reserved;

    public LineFramer(int maxLineBytes = DefaultMaxLineBytes, BufferBudget? budget = null)
    {
        MaxLineBytes = Math.Max(16, maxLineBytes);
        _budget = budget ?? BufferBudget.Unlimited;
    }

    /// <summary>The cap on a line's length, terminator included.</summary>
    public int MaxLineBytes { get; }

    /// <summary>How much of the buffer needs no reservation: an SMTP-sized line.</summary>
    public int FreeBytes => Math.Min(MaxLineBytes, DefaultMaxLineBytes);

    /// <summary>True when the last <see cref="FrameStatus.TooLong"/> came from the budget, not from <see cref="MaxLineBytes"/>.</summary>
    public bool BudgetRefused { get; private set; }

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

    /// <summary>Bytes were lost (or the session is over): drop the partial line and let go of a long buffer; the next line may be the tail of a lost one (see <see cref="TakeGapFlag"/>).</summary>
    public void Gap()
    {
        DropLine();
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
        bool fits = Append(data);
        data = default;
        if (fits)
            return FrameStatus.NeedMore;
        _discarding = true;
        return FrameStatus.TooLong;
    }

    private FrameStatus Complete(ref ReadOnlySpan<byte> data, int lf, out ReadOnlySpan<byte> line)
    {
        line = default;
        var body = data[..lf];
        data = data[(lf + 1)..];
        if (_length == 0 && body.Length <= MaxLineBytes)
        {
            line = TrimCr(body);
            return FrameStatus.Line;
        }
        if (!Append(body))
            return FrameStatus.TooLong;
        line = TrimCr(_buffer.AsSpan(0, _length)); // stays valid after DropLine: the span holds the array
        DropLine();
        return FrameStatus.Line;
    }

    /// <summary>False, with the partial line dropped, when the line would pass the cap or the budget refuses the room.</summary>
    private bool Append(ReadOnlySpan<byte> bytes)
    {
        int needed = _length + bytes.Length;
        BudgetRefused = false;
        if (needed > MaxLineBytes || (_buffer.Length < needed && !Grow(needed)))
        {
            DropLine();
            return false;
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
        return true;
    }

    private bool Grow(int needed)
    {
        // Doubling, but a line that fits the free size never reserves.
        int size = Math.Min(needed <= FreeBytes ? FreeBytes : MaxLineBytes, Math.Max(256, needed * 2));
        int reserve = Math.Max(0, size - FreeBytes);
        if (reserve > _reserved && !_budget.TryReserve(reserve - _reserved))
        {
            BudgetRefused = true;
            return false;
        }
        _reserved = Math.Max(_reserved, reserve);
        Array.Resize(ref _buffer, size);
        return true;
    }

    /// <summary>Forgets the partial line; a buffer grown past the free size is let go, so a long line costs only while it is held.</summary>
    private void DropLine()
    {
        _length = 0;
        if (_buffer.Length <= FreeBytes)
            return;
        _buffer = [];
        _budget.Release(_reserved);
        _reserved = 0;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
