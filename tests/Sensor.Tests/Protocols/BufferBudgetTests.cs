using System.Text;
using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;
using Sensor.Tests.Live;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Protocols;

/// <summary>The parsers' long buffers reserve from one budget, are refused past it, and give everything back.</summary>
public class BufferBudgetTests
{
    private static readonly string LongLine = "* 1 FETCH (" + new string('x', 6989); // 7000 bytes

    [Fact]
    public void A_line_past_the_free_size_reserves_the_extra_and_gives_it_back_when_it_ends()
    {
        var budget = new BufferBudget(1 << 20);
        var framer = new LineFramer(64 * 1024, budget);

        Assert.Equal((FrameStatus.NeedMore, 0L), (Read(framer, new string('a', 2000), out _), budget.ReservedBytes)); // a 4000-byte buffer: free
        Assert.Equal((FrameStatus.NeedMore, 0L), (Read(framer, new string('b', 2000), out _), budget.ReservedBytes)); // 4096 at most: still free
        Assert.Equal((FrameStatus.NeedMore, 12000L - 4096), (Read(framer, new string('c', 2000), out _), budget.ReservedBytes)); // 6000 held: doubled
        Assert.Equal((FrameStatus.NeedMore, 12000L - 4096), (Read(framer, new string('e', 2000), out _), budget.ReservedBytes)); // fits
        Assert.Equal(FrameStatus.Line, Read(framer, "d\r\n", out var line));

        Assert.Equal(new string('a', 2000) + new string('b', 2000) + new string('c', 2000) + new string('e', 2000) + "d", line);
        Assert.Equal(0, budget.ReservedBytes);
    }

    [Fact]
    public void Growth_the_budget_refuses_is_a_line_too_long_and_the_next_line_is_read()
    {
        var budget = new BufferBudget(1000);
        var framer = new LineFramer(64 * 1024, budget);

        Assert.Equal(FrameStatus.NeedMore, Read(framer, new string('a', 2000), out _));
        Assert.Equal((FrameStatus.TooLong, true, 0L), (Read(framer, new string('b', 3000), out _), framer.BudgetRefused, budget.ReservedBytes));
        Assert.Equal(FrameStatus.Line, Read(framer, "rest of it\r\nnext\r\n", out var line));
        Assert.Equal("next", line);
    }

    [Fact]
    public void Imap_server_line_refused_by_the_budget_is_one_anomaly_and_parsing_resyncs()
    {
        Transcript Session(string longLine) => new Transcript().S("* OK ready\r\n").S(longLine[..4000]).S(longLine[4000..] + ")\r\n")
            .S("* CAPABILITY IMAP4rev1 STARTTLS\r\n");
        var budget = new BufferBudget(1000);

        var refused = EventText.Events(new ImapSessionParser(budget: budget), Session(LongLine)).Select(EventText.Render).ToList();
        var expected = EventText.Events(new ImapSessionParser(budget: budget), Session("* 1 OK (" + new string('y', 3992))).Select(EventText.Render).ToList();

        Assert.Equal(2, expected.Count); // greeting, capabilities: a line within the free size needs no budget
        expected.Insert(1, new ProtocolAnomalyEvent(Direction.ServerToClient, AnomalyNames.LineTooLong, "over the buffer budget").ToString());
        Assert.Equal(expected, refused);
        Assert.Equal(0, budget.ReservedBytes);
        Assert.DoesNotContain(EventText.Events(new ImapSessionParser(budget: new BufferBudget(1 << 20)), Session(LongLine)),
            e => e is ProtocolAnomalyEvent); // with room, the same line is no anomaly
    }

    [Fact]
    public void Tls_buffers_are_reserved_released_at_end_and_refused_past_the_budget()
    {
        var budget = new BufferBudget(1 << 20);
        var parser = new TlsStreamParser(Direction.ServerToClient, budget: budget);
        var sink = new MailEventList();
        byte[] certificateStart = [0x16, 0x03, 0x03, 0x03, 0xe8, 0x0b, 0x00, 0xea, 0x60]; // a 1000-byte record opening a 60000-byte Certificate

        parser.Feed(certificateStart, sink);
        Assert.Equal(1024, budget.ReservedBytes); // the record buffer
        parser.Feed(new byte[996], sink);
        Assert.Equal(2048, budget.ReservedBytes); // and the handshake message waiting for its other records
        parser.End();
        Assert.Equal((0L, 0), (budget.ReservedBytes, sink.Count));

        var tight = new BufferBudget(1000);
        var refused = new TlsStreamParser(Direction.ServerToClient, budget: tight);
        refused.Feed(certificateStart, sink);
        Assert.Equal([new ProtocolAnomalyEvent(Direction.ServerToClient, AnomalyNames.TlsHandshakeTooLarge, "record over the buffer budget")], sink);
        Assert.Equal((true, 0L), (refused.Stopped, tight.ReservedBytes));
    }

    [Fact]
    public void A_session_holding_a_long_line_gives_it_back_when_evicted_and_at_the_end_of_capture()
    {
        var budget = new BufferBudget(1 << 20);
        var sink = new CollectingSink();
        using var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default with { MaxFlows = 1 }, null,
            new RecordMapper(new SecretRedactor(false, new byte[32])), [sink], parserBuffers: budget);
        var reserved = new List<long>();
        long ticks = DateTime.UnixEpoch.Ticks;
        foreach (var client in new[] { "192.0.2.1:40001", "192.0.2.2:40002" })
        {
            var talk = new TcpTalk(Endpoint.Parse(client), Endpoint.Parse("198.51.100.1:143"), (t, f) => pipeline.OnFrame(LinkType.Raw, t, f), ticks)
                .Handshake().Server("* OK IMAP4rev1 ready\r\n").Server(LongLine);
            pipeline.AdvanceTime(ticks = talk.Ticks);
            pipeline.Drain();
            reserved.Add(budget.ReservedBytes);
        }
        pipeline.Complete();
        reserved.Add(budget.ReservedBytes);

        Assert.Equal([14000 - 4096, 14000 - 4096, 0], reserved); // not twice: the first session was evicted and let go
        Assert.Equal([true, false], sink.RawSessions.Select(s => s.Anomalies.Contains("flow-evicted")));
    }

    private static FrameStatus Read(LineFramer framer, string text, out string line)
    {
        ReadOnlySpan<byte> data = Encoding.ASCII.GetBytes(text);
        var status = framer.TryReadLine(ref data, out var bytes);
        line = Encoding.ASCII.GetString(bytes);
        return status;
    }
}
