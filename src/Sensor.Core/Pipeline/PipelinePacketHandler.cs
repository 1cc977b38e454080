using Sensor.Core.Capture;

namespace Sensor.Core.Pipeline;

/// <summary>Feeds frames from a capture reader into the mail pipeline.</summary>
public sealed class PipelinePacketHandler(MailPipeline pipeline) : IPacketHandler
{
    public void OnPacket(in RawPacket packet) =>
        pipeline.OnFrame(packet.LinkType, packet.TimestampTicks, packet.Data);

    /// <summary>Reads every frame of the capture through the pipeline and ends it.</summary>
    public static CaptureResult Run(CaptureReader reader, MailPipeline pipeline, CancellationToken cancellation = default)
    {
        var result = reader.Read(new PipelinePacketHandler(pipeline), cancellation);
        pipeline.Complete();
        return result;
    }
}
