using Sensor.Core.Decoding;

namespace Sensor.Fuzz;

/// <summary>
/// One frame through the decoder, every tunnel and encapsulation reachable: byte 0 picks the link type
/// (index into <see cref="PacketTarget.LinkTypes"/>), the rest is the frame. Besides an exception, a
/// finding is a decoded segment whose payload is not inside the frame, or a count that does not add up.
/// </summary>
internal static class FrameTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        var linkType = PacketTarget.LinkTypes[data[0] % PacketTarget.LinkTypes.Length];
        var frame = data[1..];
        var decoder = new PacketDecoder();
        var result = decoder.Decode(linkType, 0, frame, out var segment);
        if (result == DecodeResult.Tcp && !segment.Payload.IsEmpty && !IsInside(segment.Payload, frame))
            throw new FuzzFinding("a segment's payload is not a slice of its frame");
        if (decoder.Stats.Total != 1 || (result == DecodeResult.UnknownEncapsulation) != (decoder.Stats.UnknownByName().Count == 1))
            throw new FuzzFinding($"stats do not add up for one {result} frame");
    }

    private static bool IsInside(ReadOnlySpan<byte> part, ReadOnlySpan<byte> whole) =>
        whole.Overlaps(part, out int offset) && offset >= 0 && offset + part.Length <= whole.Length;
}
