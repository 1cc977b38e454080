namespace Sensor.Core.Decoding;

public sealed partial class PacketDecoder
{
    /// <summary>
    /// An IP fragment is no segment yet: the result's payload is the fragment's whole IP packet (as far
    /// as Total or Payload Length and the capture go), for the defragmenter. Whether the IP layer came
    /// straight from the link or from inside a tunnel, the packet found is the one handed on.
    /// </summary>
    private static DecodeResult Fragment(long ticks, ReadOnlySpan<byte> ipPacket, out TcpSegment segment)
    {
        segment = new TcpSegment(ticks, default, default, 0, 0, TcpFlags.None, ipPacket);
        return DecodeResult.Fragment;
    }
}
