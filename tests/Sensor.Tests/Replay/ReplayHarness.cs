using Sensor.Core.Capture;
using Sensor.Core.Detection;
using Sensor.Core.Decoding;
using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Replay;

/// <summary>Runs the real pipeline (no store) over capture files or re-cut segments and keeps what it reports.</summary>
public static class ReplayHarness
{
    public static (CollectingSink Sink, CaptureResult Read) RunFiles(params string[] files) => RunFiles(showSecrets: false, files);

    /// <summary>The same, revealing secrets as --show-secrets does.</summary>
    public static (CollectingSink Sink, CaptureResult Read) RunFiles(bool showSecrets, params string[] files)
    {
        var sink = new CollectingSink();
        var read = PipelinePacketHandler.Run(new CaptureReader(files), NewPipeline(sink, showSecrets));
        return (sink, read);
    }

    /// <summary>The same, with the pipeline, to read its counters after the run.</summary>
    public static (CollectingSink Sink, MailPipeline Pipeline) RunFileWithPipeline(string file)
    {
        var sink = new CollectingSink();
        var pipeline = NewPipeline(sink);
        PipelinePacketHandler.Run(new CaptureReader([file]), pipeline);
        return (sink, pipeline);
    }

    public static CollectingSink RunSegments(IEnumerable<SegmentSpec> segments)
    {
        var sink = new CollectingSink();
        var pipeline = NewPipeline(sink);
        foreach (var s in segments)
            pipeline.OnFrame(LinkType.Raw, s.Ticks, s.ToRawIpFrame());
        pipeline.Complete();
        return sink;
    }

    /// <summary>Whether any frame of the capture is an IP fragment.</summary>
    public static bool HasIpFragments(string file)
    {
        var finder = new FragmentFinder();
        new CaptureReader([file]).Read(finder);
        return finder.Found;
    }

    private sealed class FragmentFinder : IPacketHandler
    {
        public bool Found { get; private set; }

        public void OnPacket(in RawPacket packet) =>
            Found |= PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out _) == DecodeResult.Fragment;
    }

    /// <summary>The TCP segments of a capture file, in capture order.</summary>
    public static List<SegmentSpec> Segments(string file)
    {
        var collector = new SegmentCollector();
        new CaptureReader([file]).Read(collector);
        return collector.Segments;
    }

    /// <summary>Keeps each TCP segment; IP fragments are put back together first, so a segment that came fragmented is kept whole.</summary>
    private sealed class SegmentCollector : IPacketHandler
    {
        private readonly Defragmenter _defragmenter = new();

        public List<SegmentSpec> Segments { get; } = [];

        public void OnPacket(in RawPacket packet)
        {
            var spec = SegmentSpec.FromFrame(packet.LinkType, packet.TimestampTicks, packet.Data);
            if (spec is null && PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out var fragment) == DecodeResult.Fragment
                && _defragmenter.Add(packet.TimestampTicks, fragment.Payload, out var datagram) is FragmentOutcome.Reassembled or FragmentOutcome.ReassembledAfterConflict)
                spec = SegmentSpec.FromFrame(LinkType.Raw, packet.TimestampTicks, datagram);
            if (spec is not null)
                Segments.Add(spec);
        }
    }

    private static MailPipeline NewPipeline(CollectingSink sink, bool showSecrets = false) =>
        new(DefaultRules.Rules, ReassemblyLimits.Default, history: null,
            new RecordMapper(new SecretRedactor(showSecrets, new byte[32])), [sink]);
}
