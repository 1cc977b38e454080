using System.Text;
using Sensor.Core.Capture;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Output;

/// <summary>The JSON Lines `sensor replay --json` writes for a capture, made in process the way the command makes them.</summary>
public static class JsonReplay
{
    public static List<string> Lines(string file)
    {
        var output = new MemoryStream();
        using (var json = new JsonLinesWriter(output))
        {
            var counts = new RecordCounts();
            using var sink = new QueuedJsonLinesSink(json);
            using var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, history: null,
                new RecordMapper(new SecretRedactor(false, new byte[32])), [counts, sink]);
            var read = PipelinePacketHandler.Run(new CaptureReader([file]), pipeline);
            sink.Complete();
            json.Write(StatsRecord.ForReplay(pipeline.CaptureTicks, read, pipeline.DecodeStats, pipeline.DefragmentStats, pipeline.ReassemblyStats, counts));
        }
        return [.. Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Every capture's lines, by file name.</summary>
    public static IEnumerable<(string File, List<string> Lines)> EveryCapture() =>
        Manifest.Load().Captures.Select(c => (c.File, Lines(c.Path)));
}
