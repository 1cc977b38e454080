using System.Runtime.CompilerServices;
namespace Sensor.Core.Decoding;

/// <summary>
/// Link, tunnel, IP and TCP header decoding over the capture buffer, written by hand rather than with
/// PacketDotNet: PacketDotNet builds a Packet object graph for every frame (allocation at line rate)
/// and throws on some malformed frames (its issues #18, #92, #107), and hostile frames must be a
/// counted result here, never an exception. Nothing is copied: the segment's payload is a slice of
/// the frame. Checksums are not checked here: host captures see offloaded (still empty) checksums, so
/// reassembly decides per stream whether they mean anything (<see cref="TcpChecksum"/>).
/// Plain Ethernet/IP/TCP takes the inlined path; every encapsulation is decoded off it, on methods
/// that are not inlined, to any depth up to <see cref="DecodeContext.MaxDepth"/>.
/// </summary>
public sealed partial class PacketDecoder
{
    private const int EtherTypeIpv4 = 0x0800;
    private const int EtherTypeIpv6 = 0x86DD;

    /// <summary>Counts of each result since this decoder was made.</summary>
    public DecodeStats Stats;

    /// <summary>Decodes one frame and counts the result (and the kind, for an encapsulation not decoded).</summary>
    public DecodeResult Decode(int linkType, long timestampTicks, ReadOnlySpan<byte> frame, out TcpSegment segment)
    {
        var result = DecodeFrame(linkType, timestampTicks, frame, out segment, out var unknown);
        Stats.Count(result);
        if (result == DecodeResult.UnknownEncapsulation)
            Stats.CountUnknown(unknown);
        return result;
    }

    /// <summary>Decodes one frame; a pure function of its arguments.</summary>
    public static DecodeResult DecodeFrame(int linkType, long timestampTicks, ReadOnlySpan<byte> frame, out TcpSegment segment) =>
        DecodeFrame(linkType, timestampTicks, frame, out segment, out _);

    /// <summary>Decodes one frame and says which kind of encapsulation it was when it is one the sensor does not decode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DecodeResult DecodeFrame(int linkType, long timestampTicks, ReadOnlySpan<byte> frame, out TcpSegment segment,
        out EncapsulationKind unknown)
    {
        segment = default;
        var context = new DecodeContext(timestampTicks);
        var result = LocateNetworkLayer(linkType, frame, out int etherType, out int offset);
        if (result == DecodeResult.Tcp)
            result = DecodeEtherType(etherType, frame[offset..], ref context, out segment);
        unknown = context.Unknown;
        return result;
    }

    /// <summary>
    /// Decodes from an IP header (either version) onward with the context of the packet it came in,
    /// e.g. a datagram reassembled from fragments: the same virtual network, depth and capture time.
    /// </summary>
    public static DecodeResult DecodeIp(ReadOnlySpan<byte> ip, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (ip.IsEmpty)
            return context.Short;
        return (ip[0] >> 4) switch
        {
            4 => DecodeIpv4(ip, ref context, out segment),
            6 => DecodeIpv6(ip, ref context, out segment),
            _ => DecodeResult.Malformed,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static DecodeResult DecodeEtherType(int etherType, ReadOnlySpan<byte> payload, scoped ref DecodeContext context, out TcpSegment segment) =>
        etherType switch
        {
            EtherTypeIpv4 => DecodeIpv4(payload, ref context, out segment),
            EtherTypeIpv6 => DecodeIpv6(payload, ref context, out segment),
            _ => DecodeOtherEtherType(etherType, payload, ref context, out segment),
        };
}
