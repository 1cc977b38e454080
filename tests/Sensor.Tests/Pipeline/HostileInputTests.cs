using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Pipeline;

/// <summary>The whole pipeline under hostile input: corrupted frames, floods of flows, endless lines. It reports; it never throws.</summary>
public class HostileInputTests
{
    private static (MailPipeline Pipeline, CollectingSink Sink) NewPipeline(ReassemblyLimits? limits = null)
    {
        var sink = new CollectingSink();
        return (new MailPipeline(DefaultRules.Rules, limits ?? ReassemblyLimits.Default, null,
            new RecordMapper(new SecretRedactor(false, new byte[32])), [sink]), sink);
    }

    [Fact]
    public void CorruptedRealFramesNeverThrow()
    {
        var rng = new Random(7);
        var frames = Manifest.Load().Captures.Where(c => c.File.EndsWith(".pcap") && !c.File.Contains("large"))
            .SelectMany(c => ReplayHarness.Segments(c.Path)).Select(s => (s.Ticks, Frame: s.ToRawIpFrame())).ToList();
        for (int round = 0; round < 3; round++)
        {
            var (pipeline, _) = NewPipeline();
            foreach (var (ticks, original) in frames)
            {
                var frame = original.ToArray();
                for (int flips = rng.Next(0, 4); flips > 0; flips--)
                    frame[rng.Next(frame.Length)] ^= (byte)(1 << rng.Next(8));
                int length = rng.Next(10) == 0 ? rng.Next(frame.Length + 1) : frame.Length;
                pipeline.OnFrame(LinkType.Raw, ticks, frame.AsSpan(0, length));
            }
            pipeline.Complete();
        }
    }

    [Fact]
    public void AFloodOfFlowsStaysWithinTheFlowCapAndIsCounted()
    {
        var limits = ReassemblyLimits.Default with { MaxFlows = 5_000 };
        var (pipeline, sink) = NewPipeline(limits);
        var server = Endpoint.Parse("192.0.2.25:25");
        for (int i = 0; i < 50_000; i++)
        {
            var client = new Endpoint(NetAddress.FromV4([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), (ushort)(1024 + i % 60000));
            var syn = new SegmentSpec(1000 + i, client, server, 1, 0, TcpFlags.Syn, []);
            pipeline.OnFrame(LinkType.Raw, syn.Ticks, syn.ToRawIpFrame());
        }
        Assert.True(pipeline.ReassemblyStats.ActiveFlows <= 5_000);
        Assert.True(pipeline.ReassemblyStats.FlowTableFullHits > 0);
        pipeline.Complete();
        Assert.Empty(sink.Sessions);
        Assert.Equal(50_000, pipeline.EmptySessions);
    }

    [Fact]
    public void AnEndlessLineIsCutAndNamedWhileTheSessionGoesOn()
    {
        var (pipeline, sink) = NewPipeline();
        var client = Endpoint.Parse("10.0.0.1:40000");
        var server = Endpoint.Parse("192.0.2.25:25");
        uint cseq = 100, sseq = 500;
        void Send(Endpoint from, Endpoint to, ref uint seq, byte[] payload, TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh)
        {
            var s = new SegmentSpec(10, from, to, seq, 0, flags, payload);
            pipeline.OnFrame(LinkType.Raw, s.Ticks, s.ToRawIpFrame());
            seq += (uint)payload.Length;
        }
        Send(client, server, ref cseq, [], TcpFlags.Syn);
        cseq++;
        Send(server, client, ref sseq, [], TcpFlags.Syn | TcpFlags.Ack);
        sseq++;
        Send(server, client, ref sseq, "220 mx.example.net ESMTP\r\n"u8.ToArray());
        var junk = Enumerable.Repeat((byte)'A', 1400).ToArray();
        for (int i = 0; i < 2000; i++)
            Send(client, server, ref cseq, junk);
        Send(client, server, ref cseq, "\r\nAUTH PLAIN AGpvZQBzZWNyZXQ=\r\n"u8.ToArray());
        pipeline.Complete();
        var session = Assert.Single(sink.Sessions);
        Assert.Contains("line-too-long", session.Anomalies);
        Assert.Equal("joe", Assert.Single(sink.Findings, f => f.Kind == "plaintext-credential").Evidence["user"]);
    }
}
