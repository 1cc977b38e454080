using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

public sealed partial class PacketDecoder
{
    // A frame with more tags than this is hostile, not a real QinQ stack.
    private const int MaxVlanTags = 8;

    /// <summary>
    /// Finds where the IP header starts and which IP version it is (as an ethertype).
    /// Returns <see cref="DecodeResult.Tcp"/> to mean "go on to the IP layer".
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult LocateNetworkLayer(int linkType, ReadOnlySpan<byte> f, out int etherType, out int offset)
    {
        etherType = 0;
        offset = 0;
        switch (linkType)
        {
            case LinkType.Ethernet:
                return EtherTypeAt(f, 12, 14, out etherType, out offset);
            case LinkType.LinuxSll:
                // 16-byte header; protocol type at offset 14 (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html).
                return EtherTypeAt(f, 14, 16, out etherType, out offset);
            case LinkType.LinuxSll2:
                // 20-byte header; protocol type first (LINKTYPE_LINUX_SLL2.html).
                return EtherTypeAt(f, 0, 20, out etherType, out offset);
            case LinkType.Raw or LinkType.RawBsd12 or LinkType.RawBsd14:
                return FromVersionNibble(f, out etherType);
            case LinkType.Ipv4:
                etherType = EtherTypeIpv4;
                return DecodeResult.Tcp;
            case LinkType.Ipv6:
                etherType = EtherTypeIpv6;
                return DecodeResult.Tcp;
            case LinkType.Null:
                return FromFamily(f, bigEndian: false, out etherType, out offset);
            case LinkType.Loop:
                return FromFamily(f, bigEndian: true, out etherType, out offset);
            default:
                return DecodeResult.UnsupportedLink;
        }
    }

    private static DecodeResult EtherTypeAt(ReadOnlySpan<byte> f, int typeOffset, int headerLength, out int etherType, out int offset)
    {
        etherType = 0;
        offset = headerLength;
        if (f.Length < headerLength)
            return DecodeResult.Truncated;
        etherType = BinaryPrimitives.ReadUInt16BigEndian(f[typeOffset..]);
        return SkipVlanTags(f, ref etherType, ref offset);
    }

    /// <summary>802.1Q (0x8100), 802.1ad (0x88A8) and the pre-standard QinQ 0x9100, stacked; skipped, since VLAN ids are not part of a session's key (<see cref="VirtualNetwork"/>).</summary>
    private static DecodeResult SkipVlanTags(ReadOnlySpan<byte> f, ref int etherType, ref int offset)
    {
        for (int tags = 0; etherType is 0x8100 or 0x88A8 or 0x9100; tags++)
        {
            if (tags == MaxVlanTags)
                return DecodeResult.Malformed;
            if (f.Length < offset + 4)
                return DecodeResult.Truncated;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(f[(offset + 2)..]);
            offset += 4;
        }
        return DecodeResult.Tcp;
    }

    private static DecodeResult FromVersionNibble(ReadOnlySpan<byte> f, out int etherType)
    {
        etherType = 0;
        if (f.IsEmpty)
            return DecodeResult.Truncated;
        etherType = (f[0] >> 4) switch { 4 => EtherTypeIpv4, 6 => EtherTypeIpv6, _ => 0 };
        return etherType == 0 ? DecodeResult.Malformed : DecodeResult.Tcp;
    }

    /// <summary>
    /// BSD loopback: a 4-byte address family. NULL stores it in the writing host's byte order, so a
    /// value that does not fit 16 bits is read the other way round; LOOP is always big-endian.
    /// AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
    /// </summary>
    private static DecodeResult FromFamily(ReadOnlySpan<byte> f, bool bigEndian, out int etherType, out int offset)
    {
        etherType = 0;
        offset = 4;
        if (f.Length < 4)
            return DecodeResult.Truncated;
        uint family = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(f) : BinaryPrimitives.ReadUInt32LittleEndian(f);
        if (family > 0xFFFF)
            family = BinaryPrimitives.ReverseEndianness(family);
        etherType = family switch
        {
            2 => EtherTypeIpv4,
            10 or 24 or 28 or 30 => EtherTypeIpv6,
            _ => 0,
        };
        return DecodeResult.Tcp;
    }
}
