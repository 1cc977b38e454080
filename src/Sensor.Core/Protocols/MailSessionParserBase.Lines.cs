using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols;

/// <summary>Line framing as the three parsers read it: over-long lines reported and skipped, and the first line after a gap kept only if it plainly starts a protocol line.</summary>
public abstract partial class MailSessionParserBase
{
    /// <summary>False when no whole line is available; an over-long line is reported and skipped.</summary>
    protected static bool NextLine(LineFramer framer, Direction direction, ref ReadOnlySpan<byte> data, IMailEventSink sink, out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var status = framer.TryReadLine(ref data, out line);
            if (status == FrameStatus.Line)
                return true;
            if (status == FrameStatus.NeedMore)
                return false;
            sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.LineTooLong,
                framer.BudgetRefused ? "over the buffer budget" : $"over {framer.MaxLineBytes} bytes"));
        }
    }

    /// <summary>
    /// <see cref="NextLine(LineFramer, Direction, ref ReadOnlySpan{byte}, IMailEventSink, out ReadOnlySpan{byte})"/>,
    /// skipping the first line after a gap unless <paramref name="looksLikeStart"/> says it starts a protocol line.
    /// </summary>
    protected static bool NextLine(LineFramer framer, Direction direction, ref ReadOnlySpan<byte> data, IMailEventSink sink, LineStartTest looksLikeStart, out ReadOnlySpan<byte> line)
    {
        while (NextLine(framer, direction, ref data, sink, out line))
        {
            if (!framer.TakeGapFlag() || looksLikeStart(line))
                return true;
        }
        return false;
    }

    /// <summary>The first line after a gap is kept only if it plainly starts a protocol line (else it is the tail of a lost one).</summary>
    protected static bool KeepAfterGap(LineFramer framer, bool looksLikeStart) =>
        !framer.TakeGapFlag() || looksLikeStart;
}
