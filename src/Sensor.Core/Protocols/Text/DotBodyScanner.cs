namespace Sensor.Core.Protocols.Text;

/// <summary>
/// Follows a dot-terminated body (SMTP DATA, RFC 5321 §4.5.2; POP3 multi-line responses, RFC 1939 §3)
/// without copying or allocating: it counts bytes and watches for a line holding only ".".
/// A "." that starts any other line was doubled by the sender (dot-stuffing) and is not counted.
/// </summary>
public struct DotBodyScanner
{
    private enum State : byte { LineStart, MidLine, Dot, DotCr }

    private State _state;

    /// <summary>Body bytes seen so far, line ends included, stuffing dots and the terminator excluded.</summary>
    public long Bytes { get; private set; }

    /// <summary>Starts a new body: the next byte begins a line.</summary>
    public void Start()
    {
        _state = State.LineStart;
        Bytes = 0;
    }

    /// <summary>After a gap the next byte is somewhere inside a line: it cannot be a terminator.</summary>
    public void ResumeMidLine() => _state = State.MidLine;

    /// <summary>Consumes body bytes; true when the terminating "." line was consumed (data then holds what follows it).</summary>
    public bool Scan(ref ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (Step(ref data))
                return true;
        }
        return false;
    }

    private bool Step(ref ReadOnlySpan<byte> data)
    {
        switch (_state)
        {
            case State.LineStart:
                if (data[0] == (byte)'.')
                {
                    _state = State.Dot;
                    data = data[1..];
                }
                else
                    _state = State.MidLine;
                return false;
            case State.Dot:
                return AfterDot(ref data);
            case State.DotCr:
                if (data[0] == (byte)'\n')
                    return Terminate(ref data);
                Bytes += 1; // ".\r" then something else: a stuffed dot followed by a bare CR
                _state = State.MidLine;
                return false;
            default:
                SkipToLineEnd(ref data);
                return false;
        }
    }

    private bool AfterDot(ref ReadOnlySpan<byte> data)
    {
        if (data[0] == (byte)'\n')
            return Terminate(ref data);
        if (data[0] == (byte)'\r')
        {
            _state = State.DotCr;
            data = data[1..];
            return false;
        }
        _state = State.MidLine; // the leading dot was stuffing: not part of the body
        return false;
    }

    private bool Terminate(ref ReadOnlySpan<byte> data)
    {
        data = data[1..];
        _state = State.LineStart;
        return true;
    }

    private void SkipToLineEnd(ref ReadOnlySpan<byte> data)
    {
        int lf = data.IndexOf((byte)'\n');
        if (lf < 0)
        {
            Bytes += data.Length;
            data = default;
            return;
        }
        Bytes += lf + 1;
        data = data[(lf + 1)..];
        _state = State.LineStart;
    }
}
