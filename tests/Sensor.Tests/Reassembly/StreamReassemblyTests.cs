using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Reassembly;

public class StreamReassemblyTests
{
    private const TcpFlags FinAck = TcpFlags.Fin | TcpFlags.Ack;

    [Fact]
    public void InOrder_DeliversEachDirectionOnce_AndClosesOnBothFins()
    {
        var s = new FlowScript().Handshake()
            .ServerSends(1, "220 mx\r\n")
            .ClientSends(1, "EHLO a\r\n", ack: 5000 + 9)
            .ClientSends(9, "", FinAck, ack: 5000 + 9)
            .ServerSends(9, "", FinAck, ack: 1000 + 10);
        Assert.Equal(
            ["start 192.0.2.10:40000->198.51.100.25:25", "data s2c 220 mx\r\n", "data c2s EHLO a\r\n", "end Closed"],
            s.Observer.Events);
        Assert.Equal(0, s.Table.Count);
        var flow = s.Observer.Started[0];
        Assert.True(flow.SawHandshake);
        Assert.Equal(8, flow.BytesClientToServer);
        Assert.Equal(8, flow.BytesServerToClient);
    }

    [Fact]
    public void Reordered_IsHeldAndDeliveredWhenTheHoleFills()
    {
        var s = new FlowScript().Handshake()
            .ClientSends(5, "EF").ClientSends(3, "CD").ClientSends(1, "AB");
        Assert.Equal(["data c2s AB", "data c2s CD", "data c2s EF"], s.Observer.Events.Skip(1));
        Assert.Equal(0, s.Table.Stats.BufferedBytes - 2 * 4096);   // only the two conflict windows remain
    }

    [Fact]
    public void Duplicate_IsDroppedAndCounted()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AB").ClientSends(1, "AB").ClientSends(3, "C");
        Assert.Equal("ABC", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(1, s.Table.Stats.Retransmissions);
        Assert.Empty(s.Observer.Anomalies);
    }

    [Fact]
    public void OverlapWithHeldData_Identical_NoAnomaly()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AB").ClientSends(4, "DEF").ClientSends(3, "CDE");
        Assert.Equal("ABCDEF", s.Observer.Text(Direction.ClientToServer));
        Assert.Empty(s.Observer.Anomalies);
        Assert.Equal(1, s.Table.Stats.Overlaps);
    }

    [Fact]
    public void OverlapWithHeldData_Conflicting_FirstWinsAndOneAnomaly()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AB").ClientSends(4, "DEF").ClientSends(3, "CXY");
        Assert.Equal("ABCDEF", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal([(Direction.ClientToServer, ReassemblyAnomaly.OverlapConflict)], s.Observer.Anomalies);
        Assert.Equal(1, s.Table.Stats.OverlapConflicts);
    }

    [Fact]
    public void OverlapWithHeldData_NewSegmentSpansHeldOne_FirstWinsAroundIt()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "A").ClientSends(4, "d").ClientSends(2, "BCDEF");
        Assert.Equal("ABCdEF", s.Observer.Text(Direction.ClientToServer));
        Assert.Single(s.Observer.Anomalies);
    }

    [Fact]
    public void RetransmissionOfDeliveredData_Conflicting_FirstWinsAndOneAnomaly()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AUTH PLAIN x\r\n").ClientSends(1, "AUTH PLAIN y\r\n").ClientSends(15, "Q");
        Assert.Equal("AUTH PLAIN x\r\nQ", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal([(Direction.ClientToServer, ReassemblyAnomaly.OverlapConflict)], s.Observer.Anomalies);
        Assert.Equal(1, s.Table.Stats.Retransmissions);
    }

    [Fact]
    public void PartialOverlapWithDelivered_DeliversOnlyTheNewTail()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "ABCD").ClientSends(3, "CDEF");
        Assert.Equal("ABCDEF", s.Observer.Text(Direction.ClientToServer));
        Assert.Empty(s.Observer.Anomalies);
        Assert.Equal(1, s.Table.Stats.Overlaps);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SplitIntoOneToSevenByteSegments_AnyOrder_SameBytes(int seed)
    {
        const string message = "EHLO client.example\r\nAUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nMAIL FROM:<a@b.example>\r\n";
        var random = new Random(seed);
        var pieces = new List<(uint Offset, string Text)>();
        for (int at = 0; at < message.Length;)
        {
            int length = Math.Min(random.Next(1, 8), message.Length - at);
            pieces.Add(((uint)at + 1, message.Substring(at, length)));
            at += length;
        }
        if (seed > 1)
            pieces = pieces.OrderBy(_ => random.Next()).ToList();
        var s = new FlowScript().Handshake();
        foreach (var (offset, text) in pieces)
            s.ClientSends(offset, text);
        Assert.Equal(message, s.Observer.Text(Direction.ClientToServer));
        Assert.DoesNotContain(s.Observer.Events, e => e.StartsWith("gap"));
        Assert.Equal(0, s.Table.Stats.Gaps);
    }

    [Fact]
    public void SequenceWraparound_NearTwoToThe32_StaysInOrder()
    {
        var s = new FlowScript(clientIsn: 0xFFFF_FFF8).Handshake()
            .ClientSends(7, "GHIJ")     // crosses 2^32
            .ClientSends(11, "KLMN")    // after the wrap
            .ClientSends(1, "ABCDEF");
        Assert.Equal("ABCDEFGHIJKLMN", s.Observer.Text(Direction.ClientToServer));
        s.ClientSends(9, "IJ");         // an old duplicate on the far side of the wrap
        Assert.Equal(1, s.Table.Stats.Retransmissions);
        Assert.Empty(s.Observer.Anomalies);
    }

    [Fact]
    public void PayloadOnSyn_IsDeliveredAfterTheSyn()
    {
        var s = new FlowScript().ClientSends(0, "hi", TcpFlags.Syn, ack: 0).ClientSends(3, "!");
        Assert.Equal("hi!", s.Observer.Text(Direction.ClientToServer));
    }
}

public class StreamReassemblyEdgeTests
{
    [Fact]
    public void KeepAliveGarbageOctet_IsNotAConflict()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "NOOP\r\n").ClientSends(6, "\0");
        Assert.Empty(s.Observer.Anomalies);
        Assert.Equal(1, s.Table.Stats.Retransmissions);
    }

    [Fact]
    public void ConflictAcrossTheWrap_IsSeen()
    {
        var s = new FlowScript(clientIsn: 0xFFFF_FFF0).Handshake()
            .ClientSends(1, "0123456789abcdefghijklmnop")
            .ClientSends(10, "9ABCDEFGHIJ");     // bytes 10..20 straddle 2^32, rewritten
        Assert.Equal("0123456789abcdefghijklmnop", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(ReassemblyAnomaly.OverlapConflict, s.Observer.Anomalies.Single().Anomaly);
    }

    [Fact]
    public void RstPayload_IsNotStreamData()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "A").ServerSends(1, "diagnostic", TcpFlags.Rst | TcpFlags.Ack);
        Assert.Equal("", s.Observer.Text(Direction.ServerToClient));
        Assert.Equal(FlowEndReason.Reset, s.Observer.Ended.Single().Reason);
    }

    [Fact]
    public void SynAckBeforeSynInCaptureOrder_IsOneFlow()
    {
        var s = new FlowScript()
            .ServerSends(0, "", TcpFlags.Syn | TcpFlags.Ack)
            .ClientSends(0, "", TcpFlags.Syn, ack: 0)
            .ClientSends(1, "EHLO\r\n");
        Assert.Single(s.Observer.Started);
        Assert.Equal(["data c2s EHLO\r\n"], s.Observer.Events.Skip(1));
    }
}

public class OutOfWindowTests
{
    [Fact]
    public void DataFarAhead_IsDroppedNotHeld()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "A").ClientSends(1 + (1u << 30) + 10, "forged").ClientSends(2, "B");
        s.Table.Flush();
        Assert.Equal("AB", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(1, s.Table.Stats.OutOfWindowSegments);
        Assert.Equal(0, s.Table.Stats.Gaps);
    }

    [Fact]
    public void AckFarAhead_DoesNotSkipAHole()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "A").ClientSends(5, "E")
            .ServerSends(1, "", TcpFlags.Ack, ack: 1000 + 2 + (1u << 31) - 5)
            .ClientSends(2, "BCD");
        Assert.Equal("ABCDE", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(0, s.Table.Stats.Gaps);
    }
}
