using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Live;

/// <summary>The pipeline as live mode drives it: no end of capture, the wall clock advancing, judgement as sessions end.</summary>
public class LivePipelineTests
{
    private static readonly string StrippedImap = Path.Combine(Manifest.CapturesDirectory, "imap-strip-absent-unknown.pcap");

    private static (MailPipeline Pipeline, CollectingSink Sink) NewPipeline(bool judgeAsSeen)
    {
        var sink = new CollectingSink();
        return (new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, null,
            new RecordMapper(new SecretRedactor(false, new byte[32])), [new LockedSink(sink)], judgeAsSeen: judgeAsSeen), sink);
    }

    /// <summary>Feeds the capture without its FIN and RST segments: the flow stays open until time moves on.</summary>
    private static long FeedWithoutClose(MailPipeline pipeline)
    {
        long last = 0;
        foreach (var segment in ReplayHarness.Segments(StrippedImap).Where(s => (s.Flags & (TcpFlags.Fin | TcpFlags.Rst)) == 0))
        {
            pipeline.OnFrame(LinkType.Raw, segment.Ticks, segment.ToRawIpFrame());
            last = segment.Ticks;
        }
        return last;
    }

    private static int Count(CollectingSink sink, Func<CollectingSink, int> count)
    {
        lock (sink)
            return count(sink);
    }

    [Fact]
    public void AbsentStartTlsIsReportedWhenTheIdleSessionIsEnded_NotAtTheCapabilityList_AndOnce()
    {
        var (pipeline, sink) = NewPipeline(judgeAsSeen: true);
        long last = FeedWithoutClose(pipeline);

        pipeline.AdvanceTime(last + TimeSpan.FromMinutes(4).Ticks); // hands the parsed bytes on; the flow is still open
        Thread.Sleep(300);
        // Absent is not a strip: it waits for the session's end, when another worker may have seen the server offer STARTTLS.
        Assert.Equal(0, Count(sink, s => s.Findings.Count(f => f.Kind == FindingKinds.StartTlsAbsent)));
        Assert.Equal(0, Count(sink, s => s.Sessions.Count)); // still inside the idle timeout

        pipeline.AdvanceTime(last + TimeSpan.FromMinutes(6).Ticks);
        Assert.True(SpinWait.SpinUntil(() => Count(sink, s => s.Sessions.Count) == 1, TimeSpan.FromSeconds(10)),
            "the idle session was not reported before the end of the capture");
        // Judged after its grace, at a hand-over to the sessions stage (a live worker makes one every read timeout).
        Assert.True(SpinWait.SpinUntil(() =>
        {
            pipeline.AdvanceTime(last + TimeSpan.FromMinutes(6).Ticks);
            return Count(sink, s => s.Findings.Count(f => f.Kind == FindingKinds.StartTlsAbsent)) == 1;
        }, TimeSpan.FromSeconds(10)), "the absent STARTTLS was not judged after the session ended");
        Assert.Contains(sink.Findings, f => f.Kind == FindingKinds.PlaintextCredential);

        pipeline.Complete();
        Assert.Single(sink.Findings, f => f.Kind == FindingKinds.StartTlsAbsent); // not judged again at the end
        pipeline.Dispose();
    }

    [Fact]
    public void ReplayDefault_StillWaitsForTheEndToJudgeAbsentStartTls()
    {
        var (pipeline, sink) = NewPipeline(judgeAsSeen: false);
        long last = FeedWithoutClose(pipeline);

        pipeline.AdvanceTime(last + TimeSpan.FromMinutes(6).Ticks);
        Assert.True(SpinWait.SpinUntil(() => Count(sink, s => s.Sessions.Count) == 1, TimeSpan.FromSeconds(10)));
        Thread.Sleep(200);
        Assert.Equal(0, Count(sink, s => s.Findings.Count(f => f.Kind == FindingKinds.StartTlsAbsent)));

        pipeline.Complete();
        Assert.Single(sink.Findings, f => f.Kind == FindingKinds.StartTlsAbsent);
        pipeline.Dispose();
    }
}
