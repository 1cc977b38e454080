using Sensor.Core.Capture;

namespace Sensor.Tests.Capture;

internal sealed record SeenPacket(long Ticks, int LinkType, byte[] Data, int OriginalLength, int FileIndex);

internal sealed class RecordingHandler : IPacketHandler
{
    public List<SeenPacket> Packets { get; } = [];

    public void OnPacket(in RawPacket packet) =>
        Packets.Add(new SeenPacket(packet.TimestampTicks, packet.LinkType, packet.Data.ToArray(), packet.OriginalLength, packet.FileIndex));
}
