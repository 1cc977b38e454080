using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Reassembly;

public class FlowLifecycleTests
{
    [Fact]
    public void SynMissing_SynAckSeen_ClientStartsAtAckWithoutGap()
    {
        var s = new FlowScript()
            .ServerSends(0, "", TcpFlags.Syn | TcpFlags.Ack)
            .ClientSends(1, "EHLO a\r\n")
            .ServerSends(1, "250 ok\r\n");
        Assert.Equal(["start 192.0.2.10:40000->198.51.100.25:25", "data c2s EHLO a\r\n", "data s2c 250 ok\r\n"], s.Observer.Events);
        Assert.True(s.Observer.Started[0].SawHandshake);
    }

    [Fact]
    public void NoHandshake_EachDirectionAnnouncesResyncBeforeFirstData()
    {
        var s = new FlowScript().ClientSends(100, "RCPT TO:<b@c>\r\n").ServerSends(300, "250 ok\r\n").ClientSends(115, "DATA\r\n");
        Assert.Equal(
            ["start 192.0.2.10:40000->198.51.100.25:25", "gap c2s 0", "data c2s RCPT TO:<b@c>\r\n", "gap s2c 0", "data s2c 250 ok\r\n", "data c2s DATA\r\n"],
            s.Observer.Events);
        Assert.False(s.Observer.Started[0].SawHandshake);
    }

    [Theory]
    [InlineData("192.0.2.10:40000", "198.51.100.25:25", "198.51.100.25:25")]     // mail port is the server
    [InlineData("198.51.100.25:993", "192.0.2.10:40000", "198.51.100.25:993")]   // even when it sends first
    [InlineData("192.0.2.10:5000", "198.51.100.25:8080", "192.0.2.10:5000")]     // no mail port: lower port
    public void NoHandshake_ServerRoleGuessedFromPorts(string from, string to, string expectedServer)
    {
        var observer = new RecordingObserver();
        var table = new FlowTable(observer);
        table.Process(new TcpSegment(1, Endpoint.Parse(from), Endpoint.Parse(to), 1, 1, TcpFlags.Ack, "x"u8));
        Assert.Equal(Endpoint.Parse(expectedServer), observer.Started[0].Server);
    }

    [Fact]
    public void HeldDataAtFlush_GapReportedThenDataThenEndOfCapture()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AB").ClientSends(5, "EF");
        s.Table.Flush();
        Assert.Equal(["data c2s AB", "gap c2s 2", "data c2s EF", "end EndOfCapture"], s.Observer.Events.Skip(1));
        Assert.Equal(1, s.Table.Stats.Gaps);
        Assert.Equal(2, s.Table.Stats.GapBytes);
        Assert.Equal(0, s.Table.Stats.BufferedBytes);
    }

    [Fact]
    public void PeerAcksBeyondHole_CaptureDropSkipped()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AB").ClientSends(5, "EF").ServerSends(1, "", TcpFlags.Ack, ack: 1000 + 7);
        Assert.Equal(["data c2s AB", "gap c2s 2", "data c2s EF"], s.Observer.Events.Skip(1));
    }

    [Fact]
    public void PeerAckInsideHole_StillWaitsForRetransmission()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AB").ClientSends(5, "EF").ServerSends(1, "", TcpFlags.Ack, ack: 1000 + 4).ClientSends(3, "CD");
        Assert.Equal("ABCDEF", s.Observer.Text(Direction.ClientToServer));
        Assert.Equal(0, s.Table.Stats.Gaps);
    }

    [Fact]
    public void Reset_DeliversHeldWithGapThenEnds()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "AB").ClientSends(5, "EF").ServerSends(1, "", TcpFlags.Rst);
        Assert.Equal(["data c2s AB", "gap c2s 2", "data c2s EF", "end Reset"], s.Observer.Events.Skip(1));
        Assert.Equal(0, s.Table.Count);
    }

    [Fact]
    public void FinWithHoleBeforeIt_FlowEndsOnceThePeerAcksTheFin()
    {
        var s = new FlowScript().Handshake()
            .ClientSends(1, "AB").ClientSends(5, "EF", TcpFlags.Fin | TcpFlags.Ack)
            .ServerSends(1, "", TcpFlags.Fin | TcpFlags.Ack, ack: 1000 + 3);
        Assert.Equal(1, s.Table.Count);   // C..D may still be retransmitted
        s.ServerSends(2, "", TcpFlags.Ack, ack: 1000 + 8);
        Assert.Equal(["data c2s AB", "gap c2s 2", "data c2s EF"], s.Observer.Events.Skip(1).Take(3));
        s.ClientSends(8, "", TcpFlags.Ack, ack: 5000 + 2);
        Assert.Equal(0, s.Table.Count);
        Assert.Equal(FlowEndReason.Closed, s.Observer.Ended.Single().Reason);
    }

    [Fact]
    public void RetransmittedFinWithDataAfterClose_DoesNotStartAPhantomFlow()
    {
        // Exim's way: the reply and the FIN in one segment, here sent again after both sides closed.
        var s = new FlowScript().Handshake()
            .ClientSends(1, "QUIT\r\n", TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh)
            .ServerSends(1, "221 bye\r\n", TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh, ack: 1000 + 8)
            .ClientSends(8, "", TcpFlags.Ack, ack: 5000 + 10)
            .ServerSends(1, "221 bye\r\n", TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh, ack: 1000 + 8);
        Assert.Single(s.Observer.Started);
        Assert.Equal(0, s.Table.Count);
        Assert.Equal(2, s.Table.Stats.UntrackedSegments); // the client's last ACK and the retransmission
    }

    [Fact]
    public void NewConnectionOnTheClosedFourTuple_IsAFlowOfItsOwn()
    {
        var s = new FlowScript().Handshake()
            .ClientSends(1, "QUIT\r\n", TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh)
            .ServerSends(1, "221 bye\r\n", TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh, ack: 1000 + 8)
            .ClientSends(8, "", TcpFlags.Ack, ack: 5000 + 10);
        // Same ports, its SYN missed, sequence numbers far from the old ones: picked up mid-stream.
        s.Send(FlowScript.Client, FlowScript.Server, 900_000_000, 1, TcpFlags.Ack | TcpFlags.Psh, "EHLO b\r\n");
        Assert.Equal(2, s.Observer.Started.Count);
        // And with its SYN seen, even close to the old sequence numbers.
        var t = new FlowScript().Handshake()
            .ClientSends(1, "", TcpFlags.Fin | TcpFlags.Ack).ServerSends(1, "", TcpFlags.Fin | TcpFlags.Ack, ack: 1000 + 2)
            .ClientSends(2, "", TcpFlags.Ack, ack: 5000 + 2)
            .ClientSends(0, "", TcpFlags.Syn, ack: 0).ServerSends(0, "", TcpFlags.Syn | TcpFlags.Ack).ClientSends(1, "EHLO c\r\n");
        Assert.Equal(2, t.Observer.Started.Count);
        Assert.Contains("data c2s EHLO c\r\n", t.Observer.Events);
    }

    [Fact]
    public void ClosedFlowsReopenedBySyn_StayWithinTheBound()
    {
        // Each 4-tuple closes, opens again with a SYN (which forgets it) and closes again: every close
        // queues an entry, half are forgotten. The queue, not only the table, must stay bounded.
        var s = new FlowScript();
        var server = FlowScript.Server;
        for (int i = 0; i < 40_000; i++)
        {
            var client = new Endpoint(FlowScript.Client.Address, (ushort)(1024 + i % 60_000));
            for (int round = 0; round < 2; round++)
            {
                uint c = (uint)(round * 100_000), v = (uint)(round * 100_000 + 50_000);
                s.Send(client, server, c, 0, TcpFlags.Syn, "");
                s.Send(server, client, v, c + 1, TcpFlags.Syn | TcpFlags.Ack, "");
                s.Send(client, server, c + 1, v + 1, TcpFlags.Fin | TcpFlags.Ack, "");
                s.Send(server, client, v + 1, c + 2, TcpFlags.Fin | TcpFlags.Ack, "");
            }
        }
        Assert.Equal(0, s.Table.Count);
        Assert.Equal(ClosedFlows.MaxRemembered, s.Table.Closed.Queued);
        Assert.True(s.Table.Closed.Count <= ClosedFlows.MaxRemembered);
    }

    [Fact]
    public void ClosedAgainWithoutSyn_TheNewerCloseOutlivesTheOlderOnesExpiry()
    {
        // First close at about t0; the 4-tuple is picked up again mid-stream (no SYN) and closes again
        // a minute later. When the first close's TIME-WAIT ends, the second close must still be remembered.
        var s = new FlowScript().Handshake()
            .ClientSends(1, "", TcpFlags.Fin | TcpFlags.Ack).ServerSends(1, "", TcpFlags.Fin | TcpFlags.Ack, ack: 1000 + 2)
            .ClientSends(2, "", TcpFlags.Ack, ack: 5000 + 2);
        s.Ticks += TimeSpan.FromMinutes(1).Ticks;
        s.Send(FlowScript.Client, FlowScript.Server, 900_000_000, 7_000_000, TcpFlags.Ack | TcpFlags.Psh, "NOOP\r\n");
        s.Send(FlowScript.Server, FlowScript.Client, 7_000_000, 900_000_006, TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh, "250 ok\r\n");
        s.Send(FlowScript.Client, FlowScript.Server, 900_000_006, 7_000_009, TcpFlags.Fin | TcpFlags.Ack, "");
        Assert.Equal(2, s.Observer.Started.Count);
        Assert.Equal(0, s.Table.Count);
        s.Ticks += TimeSpan.FromSeconds(90).Ticks;   // past the first close's 2 minutes, within the second's
        s.Send(FlowScript.Server, FlowScript.Client, 7_000_000, 900_000_006, TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh, "250 ok\r\n");
        Assert.Equal(2, s.Observer.Started.Count);   // a retransmission of the second flow, not a third flow
        Assert.Equal(1, s.Table.Closed.Count);
    }

    [Fact]
    public void LateAckAfterClose_DoesNotStartAPhantomFlow()
    {
        var s = new FlowScript().Handshake()
            .ClientSends(1, "", TcpFlags.Fin | TcpFlags.Ack).ServerSends(1, "", TcpFlags.Fin | TcpFlags.Ack, ack: 1000 + 2)
            .ClientSends(2, "", TcpFlags.Ack, ack: 5000 + 2);
        Assert.Single(s.Observer.Started);
        Assert.Equal(0, s.Table.Count);
        Assert.Equal(1, s.Table.Stats.UntrackedSegments);
    }

    [Fact]
    public void IdleTimeout_EndsOnlyTheIdleFlow_AsCaptureTimeAdvances()
    {
        var limits = new ReassemblyLimits { IdleTimeout = TimeSpan.FromMinutes(1) };
        var s = new FlowScript(limits: limits).Handshake().ClientSends(1, "A");
        var other = Endpoint.Parse("192.0.2.99:40001");
        s.Ticks += TimeSpan.FromSeconds(30).Ticks;
        s.Send(other, FlowScript.Server, 1, 1, TcpFlags.Ack, "x");
        Assert.Empty(s.Observer.Ended);
        s.Table.AdvanceTime(s.Ticks + TimeSpan.FromSeconds(31).Ticks);
        Assert.Equal(FlowEndReason.IdleTimeout, s.Observer.Ended.Single().Reason);
        Assert.Equal(FlowScript.Client, s.Observer.Ended[0].Flow.Client);
        Assert.Equal(1, s.Table.Count);
    }

    [Fact]
    public void IgnoredFlow_NoDelivery_NoBuffering_RemovedOnFin()
    {
        var observer = new RecordingObserver { IgnoreWhen = _ => true };
        var s = new FlowScript(observer: observer).Handshake()
            .ClientSends(5, "later").ClientSends(1, "GET ").ServerSends(1, "HTTP");
        Assert.DoesNotContain(observer.Events, e => e.StartsWith("data") || e.StartsWith("gap"));
        Assert.Equal(0, s.Table.Stats.BufferedBytes);
        s.ClientSends(10, "", TcpFlags.Fin | TcpFlags.Ack).ServerSends(5, "", TcpFlags.Fin | TcpFlags.Ack);
        Assert.Equal(0, s.Table.Count);
        Assert.Equal(FlowEndReason.Closed, observer.Ended.Single().Reason);
    }

    [Fact]
    public void FlowKey_IsSymmetric()
    {
        var a = FlowScript.Client;
        var b = FlowScript.Server;
        Assert.Equal(FlowKey.From(a, b), FlowKey.From(b, a));
        Assert.Equal(FlowKey.From(a, b).GetHashCode(), FlowKey.From(b, a).GetHashCode());
        Assert.NotEqual(FlowKey.From(a, b), FlowKey.From(a, Endpoint.Parse("198.51.100.25:26")));
    }

    [Theory]
    [InlineData("192.0.2.1:1025", "198.51.100.25:25", "192.0.2.1:1025 <-> 198.51.100.25:25")]
    [InlineData("198.51.100.25:25", "192.0.2.1:1025", "192.0.2.1:1025 <-> 198.51.100.25:25")]
    [InlineData("[2001:db8::2]:25", "[2001:db8::1]:40000", "[2001:db8::1]:40000 <-> [2001:db8::2]:25")]
    [InlineData("[::102:304]:25", "1.2.3.4:25", "1.2.3.4:25 <-> [::1.2.3.4]:25")]
    public void FlowKey_KeepsBothEndpoints_LowerFirst(string a, string b, string expected) =>
        Assert.Equal(expected, FlowKey.From(Endpoint.Parse(a), Endpoint.Parse(b)).ToString());

    [Theory]
    // the same address as IPv4 and as IPv6 (its value fits 32 bits either way)
    [InlineData("1.2.3.4:25", "5.6.7.8:1025", "[::102:304]:25", "5.6.7.8:1025")]
    // ports swapped between the two addresses
    [InlineData("192.0.2.1:25", "192.0.2.2:1025", "192.0.2.1:1025", "192.0.2.2:25")]
    // IPv6 addresses that differ only in their upper 64 bits
    [InlineData("[2001:db8::1]:25", "[2001:db8::2]:1025", "[2001:db9::1]:25", "[2001:db8::2]:1025")]
    public void FlowKey_TellsApartTuplesThatShareMostBits(string a1, string b1, string a2, string b2) =>
        Assert.NotEqual(FlowKey.From(Endpoint.Parse(a1), Endpoint.Parse(b1)), FlowKey.From(Endpoint.Parse(a2), Endpoint.Parse(b2)));

    [Fact]
    public void FlowKey_HashesEveryBitOfAnIpv6Address()
    {
        // Halves of 2001:db8:: and ::1 whose 64-bit words fold (xor of their 32-bit halves) to the same
        // values: a hash of folded words would give these one bucket whatever the seed. The seeded hash
        // gives them equal codes only by a 1 in 2^32 chance.
        var server = Endpoint.Parse("[2001:db8::25]:25");
        var folded = Endpoint.Parse("[1:1::]:40000");
        var other = Endpoint.Parse("[0:0:1:1::]:40000");
        Assert.NotEqual(FlowKey.From(folded, server).GetHashCode(), FlowKey.From(other, server).GetHashCode());
    }
}

public class FlowRoleChangeTests
{
    [Fact]
    public void SwapRoles_LaterBytesFollowTheNewRoles()
    {
        // Picked up mid-stream between two high ports: the guess (lower port = server) is wrong.
        var observer = new SwappingObserver();
        var table = new FlowTable(observer);
        var a = Endpoint.Parse("192.0.2.1:40000");
        var b = Endpoint.Parse("192.0.2.2:3000");
        table.Process(new TcpSegment(1, a, b, 100, 500, TcpFlags.Ack, "220 banner\r\n"u8));
        table.Process(new TcpSegment(2, b, a, 500, 112, TcpFlags.Ack, "EHLO\r\n"u8));
        table.Process(new TcpSegment(3, a, b, 112, 506, TcpFlags.Ack, "250 ok\r\n"u8));
        Assert.Equal(["data c2s 220 banner\r\n", "swap", "data c2s EHLO\r\n", "data s2c 250 ok\r\n"],
            observer.Recorder.Events.Where(e => e.StartsWith("data") || e == "swap"));
        Assert.Equal(a, observer.Recorder.Started[0].Server);
    }

    [Fact]
    public void NewSynOnALiveTuple_EndsTheOldFlowAndStartsANewOne()
    {
        var s = new FlowScript().Handshake().ClientSends(1, "old");
        s.Send(FlowScript.Client, FlowScript.Server, 90_000, 0, TcpFlags.Syn, "");
        s.Send(FlowScript.Server, FlowScript.Client, 70_000, 90_001, TcpFlags.Syn | TcpFlags.Ack, "");
        s.Send(FlowScript.Client, FlowScript.Server, 90_001, 70_001, TcpFlags.Ack | TcpFlags.Psh, "new");
        Assert.Equal(2, s.Observer.Started.Count);
        Assert.Equal(FlowEndReason.Closed, s.Observer.Ended.Single().Reason);
        Assert.Equal("oldnew", s.Observer.Text(Direction.ClientToServer));
        Assert.DoesNotContain(s.Observer.Events, e => e.StartsWith("gap"));
    }

    [Fact]
    public void RetransmittedSyn_IsNotANewConnection()
    {
        var s = new FlowScript().ClientSends(0, "", TcpFlags.Syn, ack: 0).ClientSends(0, "", TcpFlags.Syn, ack: 0);
        Assert.Single(s.Observer.Started);
        Assert.Empty(s.Observer.Ended);
    }

    [Fact]
    public void ConflictWindows_UseAtMostHalfTheBudget()
    {
        var limits = new ReassemblyLimits { MaxTotalBufferedBytes = 20_000, ConflictWindowBytes = 4096 };
        var s = new FlowScript(limits: limits);
        for (int i = 0; i < 4; i++)
            s.Send(Endpoint.Parse($"192.0.2.{i + 1}:40000"), FlowScript.Server, 1, 1, TcpFlags.Ack, "x");
        Assert.Equal(2 * 4096, s.Table.Stats.BufferedBytes);
        Assert.Equal(2, s.Table.Stats.ConflictWindowsSkipped);
    }

    private sealed class SwappingObserver : IFlowObserver
    {
        public RecordingObserver Recorder { get; } = new();

        public void OnFlowStart(TcpFlow flow) => Recorder.OnFlowStart(flow);
        public void OnGap(TcpFlow flow, Direction direction, long missingBytes) => Recorder.OnGap(flow, direction, missingBytes);
        public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) => Recorder.OnAnomaly(flow, direction, anomaly, detail);
        public void OnFlowEnd(TcpFlow flow, FlowEndReason reason) => Recorder.OnFlowEnd(flow, reason);

        public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data)
        {
            Recorder.OnData(flow, direction, data);
            // A banner from the "client" proves the guess wrong (what the session layer does).
            if (direction == Direction.ClientToServer && data.StartsWith("220 "u8))
            {
                flow.SwapRoles();
                Recorder.Events.Add("swap");
            }
        }
    }
}
