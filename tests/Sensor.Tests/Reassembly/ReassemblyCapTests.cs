using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Reassembly;

public class ReassemblyCapTests
{
    [Fact]
    public void PerDirectionCap_SkipsTheHole_ReportsOnce_AndStaysBounded()
    {
        var limits = new ReassemblyLimits { MaxOutOfOrderBytesPerDirection = 64, ConflictWindowBytes = 0 };
        var s = new FlowScript(limits: limits).Handshake().ClientSends(1, "A");
        for (uint i = 0; i < 5; i++)
            s.ClientSends(10 + i * 16, new string((char)('a' + i), 16));   // 16 bytes each, after a hole at 2..9
        Assert.Equal([(Direction.ClientToServer, ReassemblyAnomaly.FlowBufferCap)], s.Observer.Anomalies);
        Assert.Contains("gap c2s 8", s.Observer.Events);
        Assert.Equal("A" + new string('a', 16) + new string('b', 16) + new string('c', 16) + new string('d', 16) + new string('e', 16),
            s.Observer.Text(Direction.ClientToServer));
        Assert.True(s.Table.Stats.PeakBufferedBytes <= 64, $"peak {s.Table.Stats.PeakBufferedBytes}");
        Assert.Equal(1, s.Table.Stats.FlowBufferCapHits);
    }

    [Fact]
    public void SegmentCountCap_BoundsOneByteFloods()
    {
        var limits = new ReassemblyLimits { MaxOutOfOrderSegmentsPerDirection = 3, ConflictWindowBytes = 0 };
        var s = new FlowScript(limits: limits).Handshake();
        for (uint i = 0; i < 4; i++)
            s.ClientSends(3 + 2 * i, "x");
        Assert.Equal(ReassemblyAnomaly.FlowBufferCap, s.Observer.Anomalies.Single().Anomaly);
        Assert.Equal("xxxx", s.Observer.Text(Direction.ClientToServer));
    }

    [Fact]
    public void GlobalCap_GivesUpTheFlowThatCrossesIt()
    {
        var limits = new ReassemblyLimits { MaxTotalBufferedBytes = 48, ConflictWindowBytes = 0 };
        var s = new FlowScript(limits: limits).Handshake().ClientSends(10, new string('a', 32));
        var other = Endpoint.Parse("192.0.2.99:40001");
        s.Send(other, FlowScript.Server, 100, 1, TcpFlags.Ack, "first");
        s.Send(other, FlowScript.Server, 200, 1, TcpFlags.Ack, new string('b', 32));
        Assert.Equal(ReassemblyAnomaly.GlobalBufferCap, s.Observer.Anomalies.Single().Anomaly);
        Assert.EndsWith("gap c2s 95|data c2s " + new string('b', 32), string.Join("|", s.Observer.Events));
        Assert.True(s.Table.Stats.PeakBufferedBytes <= 48);
    }

    [Fact]
    public void FlowTableFull_EvictsOldestIdle()
    {
        var s = new FlowScript(limits: new ReassemblyLimits { MaxFlows = 2 });
        for (int i = 0; i < 3; i++)
            s.Send(Endpoint.Parse($"192.0.2.{i + 1}:40000"), FlowScript.Server, 1, 1, TcpFlags.Ack, "x");
        Assert.Equal(2, s.Table.Count);
        var (flow, reason) = s.Observer.Ended.Single();
        Assert.Equal(FlowEndReason.Evicted, reason);
        Assert.Equal(Endpoint.Parse("192.0.2.1:40000"), flow.Client);
        Assert.Equal(ReassemblyAnomaly.FlowTableFull, s.Observer.Anomalies.Single().Anomaly);
        Assert.Equal(1, s.Table.Stats.FlowTableFullHits);
    }

    [Fact]
    public void FlowTableFull_EvictsAFlowThatNeverCarriedPayload_BeforeAnOlderOneThatDid()
    {
        var s = new FlowScript(limits: new ReassemblyLimits { MaxFlows = 2 });
        var talking = Endpoint.Parse("192.0.2.1:40000");
        s.Send(talking, FlowScript.Server, 1, 1, TcpFlags.Ack, "EHLO x\r\n");
        s.Send(Endpoint.Parse("192.0.2.2:40000"), FlowScript.Server, 1, 0, TcpFlags.Syn, "");
        s.Send(Endpoint.Parse("192.0.2.3:40000"), FlowScript.Server, 1, 0, TcpFlags.Syn, "");
        var (flow, reason) = s.Observer.Ended.Single();
        Assert.Equal((Endpoint.Parse("192.0.2.2:40000"), FlowEndReason.Evicted), (flow.Client, reason));

        // Only flows with payload left: the oldest of them goes.
        s.Send(Endpoint.Parse("192.0.2.3:40000"), FlowScript.Server, 2, 1, TcpFlags.Ack, "EHLO y\r\n");
        s.Send(Endpoint.Parse("192.0.2.4:40000"), FlowScript.Server, 1, 1, TcpFlags.Ack, "EHLO z\r\n");
        Assert.Equal(talking, s.Observer.Ended[1].Flow.Client);
        Assert.Equal(2, s.Table.Stats.FlowsEvicted);
    }

    [Fact]
    public void InOrderDelivery_DoesNotAllocate()
    {
        var table = new FlowTable(new NullObserver());
        var client = FlowScript.Client;
        var server = FlowScript.Server;
        byte[] payload = new byte[1400];
        table.Process(new TcpSegment(1, client, server, 99, 0, TcpFlags.Syn, default));
        table.Process(new TcpSegment(2, server, client, 499, 100, TcpFlags.Syn | TcpFlags.Ack, default));
        uint seq = 100;
        for (int i = 0; i < 10; i++, seq += 1400)
            table.Process(new TcpSegment(3, client, server, seq, 500, TcpFlags.Ack, payload));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++, seq += 1400)
        {
            table.Process(new TcpSegment(4 + i, client, server, seq, 500, TcpFlags.Ack, payload));
            table.Process(new TcpSegment(4 + i, server, client, 500, seq + 1400, TcpFlags.Ack, default));
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class NullObserver : IFlowObserver
    {
        public void OnFlowStart(TcpFlow flow) { }
        public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data) { }
        public void OnGap(TcpFlow flow, Direction direction, long missingBytes) { }
        public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) { }
        public void OnFlowEnd(TcpFlow flow, FlowEndReason reason) { }
    }
}

public class ReassemblyLimitsTests
{
    [Theory]
    [InlineData(3000, 1000)]
    [InlineData(4096, 0)]
    public void BadLimits_FailWhenTheTableIsMade(int window, int maxFlows) =>
        Assert.Throws<ArgumentException>(() => new FlowTable(new RecordingObserver(), new ReassemblyLimits { ConflictWindowBytes = window, MaxFlows = maxFlows }));
}
