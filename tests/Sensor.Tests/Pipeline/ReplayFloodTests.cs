using System.Buffers.Binary;
using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;
using Sensor.Tests.Live;
using Sensor.Tests.Replay;
using Xunit.Abstractions;

namespace Sensor.Tests.Pipeline;

/// <summary>
/// Replay under its memory budget (<see cref="MemoryPlan.ForReplay"/>): a million SYNs with a real stripped
/// session spread through them, 200,000 sessions left open mid-line and 100,000 IMAP literals announced at
/// 4 GiB. Unbounded, these took 1.8 GB, 680 MB and 390 MB; under the budget the managed heap stays inside it,
/// the oldest flows are evicted and counted, and the real strip is still reported whole.
/// </summary>
[Collection(nameof(FloodCollection))]
public class ReplayFloodTests(ITestOutputHelper output)
{
    private const long Budget = 128L << 20;
    private static readonly Endpoint SmtpServer = Endpoint.Parse("198.51.100.25:25");
    private static readonly Endpoint ImapServer = Endpoint.Parse("198.51.100.143:143");

    [Fact]
    public void FloodsStayInsideTheBudget_EvictedFlowsAreCounted_AndTheRealStripIsReported()
    {
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var plan = MemoryPlan.ForReplay(Budget, ReassemblyLimits.Default);
        var sink = new FindingsAndTheRealSession();
        var pipeline = new MailPipeline(DefaultRules.Rules, plan.LimitsFor(ReassemblyLimits.Default), null,
            new RecordMapper(new SecretRedactor(false, new byte[32])), [sink], parserBuffers: new BufferBudget(plan.ParserBufferBytes));
        long peak = 0;
        void Sample() => peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);

        long next = SynFloodWithTheRealStripInside(pipeline, 1_000_000, Sample);
        output.WriteLine($"after the SYN flood: peak {peak >> 20} MiB");
        next = OpenMidLine(pipeline, 200_000, next, Sample);
        output.WriteLine($"after sessions open mid-line: peak {peak >> 20} MiB");
        HugeLiterals(pipeline, 100_000, next, Sample);
        output.WriteLine($"after 4 GiB literals: peak {peak >> 20} MiB");
        pipeline.Complete();
        Sample();

        var stats = pipeline.ReassemblyStats;
        output.WriteLine($"budget {Budget >> 20} MiB: flows {plan.FlowsPerWorker}, buffers {plan.BufferedBytesPerWorker >> 20} MiB, parser buffers {plan.ParserBufferBytes >> 20} MiB; " +
                         $"peak managed heap {peak >> 20} MiB; flows created {stats.FlowsCreated}, evicted {stats.FlowsEvicted}");
        Assert.True(peak <= Budget, $"peak heap {peak >> 20} MiB over the {Budget >> 20} MiB budget");
        Assert.True(stats.FlowsEvicted > 1_250_000, $"only {stats.FlowsEvicted} flows evicted: the flow cap did not hold");
        var strip = Assert.Single(sink.Findings, f => f.Kind == FindingKinds.StartTlsStripped);
        Assert.Equal((StripVariants.Mangled, "127.0.0.1:48850"), (strip.Variant, strip.Client));
        var session = Assert.Single(sink.RealSessions);
        Assert.DoesNotContain(AnomalyNames.FlowEvicted, session.Anomalies);
    }

    /// <summary>
    /// SYNs from a million clients, one a microsecond, with the real stripped session's segments among them, its
    /// pauses stretched a hundredfold: far longer than the flood takes to fill the flow table, so only flows that
    /// never carried payload going first keeps it whole. Returns the time after the flood.
    /// </summary>
    private static long SynFloodWithTheRealStripInside(MailPipeline pipeline, int flows, Action sample)
    {
        var real = ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "smtp-strip-mangled.pcap"));
        long realStart = real[0].Ticks, start = realStart - TimeSpan.FromMilliseconds(50).Ticks;
        var frame = new SegmentSpec(start, Endpoint.Parse("10.0.0.0:1024"), SmtpServer, 1, 0, TcpFlags.Syn, []).ToRawIpFrame();
        int nextReal = 0;
        for (int i = 0; i < flows; i++)
        {
            long ticks = start + i * 10L;
            for (; nextReal < real.Count && realStart + (real[nextReal].Ticks - realStart) * 100 <= ticks; nextReal++)
                pipeline.OnFrame(LinkType.Raw, ticks, real[nextReal].ToRawIpFrame());
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), 0x0A000000u + (uint)(i >> 6));
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), (ushort)(1024 + (i & 63)));
            pipeline.OnFrame(LinkType.Raw, ticks, frame);
            if (i % 100_000 == 0)
                sample();
        }
        Assert.Equal(real.Count, nextReal); // the whole real session went in while the flood went on
        return start + flows * 10L;
    }

    /// <summary>SMTP sessions whose client starts a line and never ends it, all left open.</summary>
    private static long OpenMidLine(MailPipeline pipeline, int flows, long start, Action sample)
    {
        var half = "EHLO " + new string('h', 600);
        for (int i = 0; i < flows; i++)
        {
            var client = new Endpoint(new NetAddress(0x0B000000u + (uint)i, false), 40000);
            new TcpTalk(client, SmtpServer, (t, f) => pipeline.OnFrame(LinkType.Raw, t, f), start + i * 10L).Handshake()
                .Server("220 mx ESMTP\r\n").Client(half);
            if (i % 20_000 == 0)
                sample();
        }
        return start + flows * 10L;
    }

    /// <summary>IMAP sessions whose client announces a LOGIN literal of 4294967295 bytes and sends a little of it.</summary>
    private static void HugeLiterals(MailPipeline pipeline, int flows, long start, Action sample)
    {
        var some = new string('p', 200);
        for (int i = 0; i < flows; i++)
        {
            var client = new Endpoint(new NetAddress(0x0C000000u + (uint)i, false), 40000);
            new TcpTalk(client, ImapServer, (t, f) => pipeline.OnFrame(LinkType.Raw, t, f), start + i * 10L).Handshake()
                .Server("* OK IMAP4rev1 ready\r\n").Client("a1 LOGIN {4294967295}\r\n").Server("+ go ahead\r\n").Client(some);
            if (i % 10_000 == 0)
                sample();
        }
    }

    /// <summary>Keeps findings and the real session's record: a sink that kept 300,000 flood sessions would measure the test, not the engine.</summary>
    private sealed class FindingsAndTheRealSession : IRecordSink
    {
        public List<FindingRecord> Findings { get; } = [];
        public List<SessionRecord> RealSessions { get; } = [];

        public void OnSession(MailSession session, SessionRecordOnDemand record)
        {
            if (session.ClientText == "127.0.0.1:48850")
                RealSessions.Add(record.Value);
        }

        public void OnFinding(Finding finding, FindingRecord record) => Findings.Add(record);
    }
}
