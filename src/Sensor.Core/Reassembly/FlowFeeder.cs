using Sensor.Core.Capture;
using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// The replay pipeline's first three stages in one packet handler: decode each frame and feed TCP
/// segments to the flow table. Frames that are not TCP still move capture time forward, so idle flows
/// expire on schedule. Call <see cref="FlowTable.Flush"/> after the read.
/// </summary>
public sealed class FlowFeeder(FlowTable table) : IPacketHandler
{
    private readonly PacketDecoder _decoder = new();

    public FlowTable Table { get; } = table;
    public DecodeStats DecodeStats => _decoder.Stats;

    public void OnPacket(in RawPacket packet)
    {
        if (_decoder.Decode(packet.LinkType, packet.TimestampTicks, packet.Data, out var segment) == DecodeResult.Tcp)
            Table.Process(segment);
        else
            Table.AdvanceTime(packet.TimestampTicks);
    }
}
