using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

public sealed partial class PacketDecoder
{
    private const byte ProtocolTcp = 6;
    // More extension headers than this in one packet is hostile (RFC 8200 allows any number, none do).
    private const int MaxExtensionHeaders = 16;

    /// <summary>IPv4 (RFC 791). The payload ends at Total Length (Ethernet pads short frames) or at the snap length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult DecodeIpv4(ReadOnlySpan<byte> ip, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (ip.Length < 20)
            return DecodeResult.Truncated;
        if (ip[0] >> 4 != 4)
            return DecodeResult.Malformed;
        int headerLength = (ip[0] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        // Total Length 0 is what a host capture shows for a TSO super-segment: trust the capture.
        if (totalLength == 0)
            totalLength = ip.Length;
        if (headerLength < 20 || totalLength < headerLength)
            return DecodeResult.Malformed;
        if (ip.Length < headerLength)
            return DecodeResult.Truncated;
        // More Fragments set or a non-zero offset: part of a fragmented datagram (RFC 791 §3.2), of any
        // protocol, as for IPv6 where later fragments do not say what they carry.
        if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF) != 0)
        {
            return Fragment(context.TimestampTicks, ip[..Math.Min(totalLength, ip.Length)], out segment);
        }
        int end = Math.Min(totalLength, ip.Length);
        if (ip[9] != ProtocolTcp)
            return DecodeIpPayload(ip[9], ip[headerLength..end], ip.Length < totalLength, ref context, out segment);
        var source = NetAddress.FromV4(ip[12..]);
        var destination = NetAddress.FromV4(ip[16..]);
        return DecodeTcp(context, source, destination, ip[headerLength..end], ip.Length < totalLength, ip[8], out segment);
    }

    /// <summary>IPv6 (RFC 8200 §4): walks hop-by-hop, routing, destination options, fragment and AH headers.</summary>
    private static DecodeResult DecodeIpv6(ReadOnlySpan<byte> ip, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (ip.Length < 40)
            return DecodeResult.Truncated;
        if (ip[0] >> 4 != 6)
            return DecodeResult.Malformed;
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        // Payload Length 0 means a jumbogram or a TSO super-segment: trust the capture.
        int claimedEnd = payloadLength == 0 ? ip.Length : 40 + payloadLength;
        int end = Math.Min(claimedEnd, ip.Length);
        bool capturedShort = ip.Length < claimedEnd;
        var walk = SkipExtensionHeaders(ip[..end], capturedShort, out int upperOffset, out byte protocol);
        if (walk != DecodeResult.Tcp)
            return walk == DecodeResult.Fragment ? Fragment(context.TimestampTicks, ip[..end], out segment) : walk;
        if (protocol != ProtocolTcp)
            return DecodeIpPayload(protocol, ip[upperOffset..end], capturedShort, ref context, out segment);
        var source = NetAddress.FromV6(ip[8..]);
        var destination = NetAddress.FromV6(ip[24..]);
        return DecodeTcp(context, source, destination, ip[upperOffset..end], capturedShort, ip[7], out segment);
    }

    /// <summary>Returns <see cref="DecodeResult.Tcp"/> with the offset and number of the first header that is not an extension header.</summary>
    private static DecodeResult SkipExtensionHeaders(ReadOnlySpan<byte> ip, bool capturedShort, out int offset, out byte next)
    {
        next = ip[6];
        offset = 40;
        for (int count = 0; count <= MaxExtensionHeaders; count++)
        {
            if (next is not (0 or 43 or 44 or 51 or 60))
                return offset <= ip.Length ? DecodeResult.Tcp : capturedShort ? DecodeResult.Truncated : DecodeResult.Malformed;
            if (ip.Length < offset + 8)
                return capturedShort ? DecodeResult.Truncated : DecodeResult.Malformed;
            // Fragment header (§4.5): offset or M flag set means a real fragment; an atomic fragment
            // (both zero, RFC 6946) is a whole packet and is decoded.
            if (next == 44 && (BinaryPrimitives.ReadUInt16BigEndian(ip[(offset + 2)..]) & 0xFFF9) != 0)
                return DecodeResult.Fragment;
            int length = next switch
            {
                44 => 8,
                51 => (ip[offset + 1] + 2) * 4,  // AH counts 4-octet units minus 2 (RFC 4302 §2.2)
                _ => (ip[offset + 1] + 1) * 8,   // others count 8-octet units minus 1
            };
            next = ip[offset];
            offset += length;
        }
        return DecodeResult.Malformed;
    }
}
