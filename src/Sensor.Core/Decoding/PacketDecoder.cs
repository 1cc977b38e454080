using System.Runtime.CompilerServices;
namespace Sensor.Core.Decoding;

/// <summary>
/// Link, IP and TCP header decoding over the capture buffer, written by hand rather than with
/// PacketDotNet: PacketDotNet builds a Packet object graph for every frame (allocation at line rate)
/// and throws on some malformed frames (its issues #18, #92, #107), and hostile frames must be a
/// counted result here, never an exception. Nothing is copied: the segment's payload is a slice of
/// the frame. Checksums are not checked here: host captures see offloaded (still empty) checksums, so
/// reassembly decides per stream whether they mean anything (<see cref="TcpChecksum"/>).
/// </summary>
public sealed partial class PacketDecoder
{
    private const int EtherTypeIpv4 = 0x0800;
    private const int EtherTypeIpv6 = 0x86DD;

    /// <summary>Counts of each result since this decoder was made.</summary>
    public DecodeStats Stats;

    /// <summary>Decodes one frame and counts the result.</summary>
    public DecodeResult Decode(int linkType, long timestampTicks, ReadOnlySpan<byte> frame, out TcpSegment segment)
    {
        var result = DecodeFrame(linkType, timestampTicks, frame, out segment);
        Stats.Count(result);
        return result;
    }

    /// <summary>Decodes one frame; a pure function of its arguments.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DecodeResult DecodeFrame(int linkType, long timestampTicks, ReadOnlySpan<byte> frame, out TcpSegment segment)
    {
        segment = default;
        var link = LocateNetworkLayer(linkType, frame, out int etherType, out int offset);
        if (link != DecodeResult.Tcp)
            return link;
        return etherType switch
        {
            EtherTypeIpv4 => DecodeIpv4(timestampTicks, frame[offset..], out segment),
            EtherTypeIpv6 => DecodeIpv6(timestampTicks, frame[offset..], out segment),
            _ => DecodeResult.NotTcp,
        };
    }
}
