using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

/// <summary>A session as it crossed the wire: each part is what one side wrote, in order.</summary>
public sealed class Transcript
{
    public List<(Direction Direction, byte[] Bytes)> Parts { get; } = [];

    public Transcript C(string text) => Add(Direction.ClientToServer, Encoding.Latin1.GetBytes(text));
    public Transcript S(string text) => Add(Direction.ServerToClient, Encoding.Latin1.GetBytes(text));
    public Transcript C(byte[] bytes) => Add(Direction.ClientToServer, bytes);
    public Transcript S(byte[] bytes) => Add(Direction.ServerToClient, bytes);
    public Transcript Gap(Direction direction) => Add(direction, null!);

    private Transcript Add(Direction direction, byte[] bytes)
    {
        Parts.Add((direction, bytes));
        return this;
    }
}

/// <summary>Feeds a transcript to a parser with a given chunking and renders the events for comparison.</summary>
public static class TranscriptFeeder
{
    public static List<string> Run(Func<IMailSessionParser> create, Transcript transcript, Func<byte[], IEnumerable<byte[]>> chunking)
    {
        var parser = create();
        var sink = new MailEventList();
        foreach (var (direction, bytes) in transcript.Parts)
        {
            if (bytes is null)
            {
                parser.Gap(direction, sink);
                continue;
            }
            foreach (var chunk in chunking(bytes))
                parser.Feed(direction, chunk, sink);
        }
        parser.End(sink);
        return sink.Select(EventText.Render).ToList();
    }

    public static List<string> Whole(Func<IMailSessionParser> create, Transcript transcript) =>
        Run(create, transcript, bytes => [bytes]);

    /// <summary>
    /// Feeds whole, byte by byte, line by line, and split in two at every offset; asserts the events are
    /// the same every time and returns them.
    /// </summary>
    public static List<string> EverySplit(Func<IMailSessionParser> create, Transcript transcript)
    {
        var expected = Whole(create, transcript);
        Assert.Equal(expected, Run(create, transcript, ByteByByte));
        Assert.Equal(expected, Run(create, transcript, LineByLine));
        int longest = transcript.Parts.Where(p => p.Bytes is not null).Max(p => p.Bytes.Length);
        for (int offset = 1; offset < longest; offset++)
        {
            int at = offset;
            Assert.Equal(expected, Run(create, transcript, bytes => SplitAt(bytes, at)));
        }
        return expected;
    }

    public static IEnumerable<byte[]> ByteByByte(byte[] bytes) => bytes.Select(b => new[] { b });

    public static IEnumerable<byte[]> LineByLine(byte[] bytes)
    {
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n')
                continue;
            yield return bytes[start..(i + 1)];
            start = i + 1;
        }
        if (start < bytes.Length)
            yield return bytes[start..];
    }

    private static IEnumerable<byte[]> SplitAt(byte[] bytes, int offset)
    {
        if (offset >= bytes.Length)
            return [bytes];
        return [bytes[..offset], bytes[offset..]];
    }
}

/// <summary>Events as text: records holding lists render their items (record equality would compare list references).</summary>
public static class EventText
{
    public static string Render(MailEvent e) => e switch
    {
        CapabilitiesEvent c => $"Capabilities {c.Source}: {string.Join(" | ", c.Capabilities)}",
        TlsClientHelloEvent h => $"ClientHello sni={h.ServerNameIndication} versions={string.Join(",", h.OfferedVersions)} suites={h.CipherSuites.Count}",
        _ => e.ToString(),
    };

    public static List<MailEvent> Events(IMailSessionParser parser, Transcript transcript)
    {
        var sink = new MailEventList();
        foreach (var (direction, bytes) in transcript.Parts)
        {
            if (bytes is null)
                parser.Gap(direction, sink);
            else
                parser.Feed(direction, bytes, sink);
        }
        parser.End(sink);
        return sink;
    }
}
