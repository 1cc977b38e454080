using System.Text;
using Sensor.Core.Protocols.Text;

namespace Sensor.Tests.Protocols;

public class LineFramerTests
{
    private static List<string> Lines(LineFramer framer, IEnumerable<byte[]> chunks)
    {
        var lines = new List<string>();
        foreach (var chunk in chunks)
        {
            ReadOnlySpan<byte> data = chunk;
            while (!data.IsEmpty)
            {
                var status = framer.TryReadLine(ref data, out var line);
                if (status == FrameStatus.Line)
                    lines.Add(Encoding.ASCII.GetString(line));
                else if (status == FrameStatus.TooLong)
                    lines.Add("<too long>");
            }
        }
        return lines;
    }

    [Fact]
    public void Crlf_and_bare_lf_lines_split_anywhere()
    {
        var bytes = Encoding.ASCII.GetBytes("EHLO a\r\nMAIL FROM:<b>\nRCPT TO:<c>\r\n\r\npartial");
        var whole = Lines(new LineFramer(), [bytes]);

        Assert.Equal(["EHLO a", "MAIL FROM:<b>", "RCPT TO:<c>", ""], whole);
        Assert.Equal(whole, Lines(new LineFramer(), TranscriptFeeder.ByteByByte(bytes)));
        for (int i = 1; i < bytes.Length; i++)
            Assert.Equal(whole, Lines(new LineFramer(), [bytes[..i], bytes[i..]]));
    }

    [Fact]
    public void Nothing_is_returned_until_a_line_is_whole()
    {
        var bytes = Encoding.ASCII.GetBytes("QUIT\r\n");
        var framer = new LineFramer();
        for (int i = 0; i < bytes.Length - 1; i++)
        {
            ReadOnlySpan<byte> one = bytes.AsSpan(i, 1);
            Assert.Equal(FrameStatus.NeedMore, framer.TryReadLine(ref one, out _));
            Assert.True(one.IsEmpty);
        }
        ReadOnlySpan<byte> last = bytes.AsSpan(^1);
        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref last, out var line));
        Assert.Equal("QUIT", Encoding.ASCII.GetString(line));
    }

    [Fact]
    public void Over_long_line_is_reported_once_and_discarded_to_the_next_lf()
    {
        var bytes = Encoding.ASCII.GetBytes(new string('x', 100) + "\r\nok\r\n" + new string('y', 40) + "\r\n");

        Assert.Equal(["<too long>", "ok", "<too long>"], Lines(new LineFramer(32), [bytes]));
        Assert.Equal(["<too long>", "ok", "<too long>"], Lines(new LineFramer(32), TranscriptFeeder.ByteByByte(bytes)));
    }

    [Fact]
    public void Line_exactly_at_the_cap_is_kept()
    {
        var bytes = Encoding.ASCII.GetBytes(new string('x', 31) + "\r\n");

        Assert.Equal([new string('x', 31)], Lines(new LineFramer(32), TranscriptFeeder.ByteByByte(bytes)));
    }

    [Fact]
    public void Raw_mode_takes_exactly_the_count()
    {
        ReadOnlySpan<byte> data = "12345rest"u8;
        long remaining = 5;

        var chunk = LineFramer.TakeRaw(ref data, ref remaining);

        Assert.Equal("12345", Encoding.ASCII.GetString(chunk));
        Assert.Equal(0, remaining);
        Assert.Equal("rest", Encoding.ASCII.GetString(data));
    }

    [Fact]
    public void Gap_drops_the_partial_line_and_flags_the_next()
    {
        var framer = new LineFramer();
        ReadOnlySpan<byte> first = "MAIL FR"u8;
        framer.TryReadLine(ref first, out _);
        framer.Gap();
        ReadOnlySpan<byte> second = "OM:<a>\r\n"u8;

        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref second, out var line));
        Assert.Equal("OM:<a>", Encoding.ASCII.GetString(line));
        Assert.True(framer.TakeGapFlag());
        Assert.False(framer.TakeGapFlag());
    }
}

public class DotBodyScannerTests
{
    private static (bool Ended, long Bytes, string After) Scan(IEnumerable<byte[]> chunks)
    {
        var scanner = new DotBodyScanner();
        scanner.Start();
        var rest = new StringBuilder();
        bool ended = false;
        foreach (var chunk in chunks)
        {
            ReadOnlySpan<byte> data = chunk;
            if (!ended)
                ended = scanner.Scan(ref data);
            rest.Append(Encoding.ASCII.GetString(data));
        }
        return (ended, scanner.Bytes, rest.ToString());
    }

    [Fact]
    public void Terminator_split_anywhere_and_stuffed_dots_uncounted()
    {
        var bytes = Encoding.ASCII.GetBytes("a\r\n..b\r\n.\r\nQUIT\r\n");
        var whole = Scan([bytes]);

        Assert.Equal((true, 7L, "QUIT\r\n"), whole);
        Assert.Equal(whole, Scan(TranscriptFeeder.ByteByByte(bytes)));
        for (int i = 1; i < bytes.Length; i++)
            Assert.Equal(whole, Scan([bytes[..i], bytes[i..]]));
    }

    [Fact]
    public void Bare_lf_terminator_and_dot_inside_a_line()
    {
        Assert.Equal((true, 8L, "x"), Scan([Encoding.ASCII.GetBytes("a.\r\nb .\n.\nx")]));
        Assert.Equal((false, 7L, ""), Scan([Encoding.ASCII.GetBytes("a\r\n.\r\r\n.x")]));
    }
}
