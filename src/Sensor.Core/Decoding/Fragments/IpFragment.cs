using System.Buffers.Binary;

namespace Sensor.Core.Decoding.Fragments;

/// <summary>
/// One IP fragment read from its packet: which datagram it belongs to, where its bytes go, and the
/// per-fragment headers a reassembled datagram is rebuilt with when this is the first fragment.
/// </summary>
internal readonly ref struct IpFragment
{
    private const byte NextHeaderFragment = 44;
    // Extension headers that may come before the Fragment header (RFC 8200 §4.1, §4.5): Hop-by-Hop,
    // Routing, Destination Options. More of them than this in one packet is hostile.
    private const int MaxHeadersBeforeFragment = 8;

    public FragmentKey Key { get; init; }
    /// <summary>Where the data starts in the datagram's fragmentable part, in bytes.</summary>
    public int Offset { get; init; }
    /// <summary>More Fragments: false on the last fragment.</summary>
    public bool More { get; init; }
    public ReadOnlySpan<byte> Data { get; init; }
    /// <summary>IPv4: the header. IPv6: the unfragmentable part, everything before the Fragment header.</summary>
    public ReadOnlySpan<byte> Header { get; init; }
    /// <summary>IPv6: where in <see cref="Header"/> the Next Header byte naming the Fragment header is.</summary>
    public int NextHeaderField { get; init; }
    /// <summary>What the datagram carries: IPv4's Protocol, or the Fragment header's Next Header.</summary>
    public byte Carried { get; init; }

    public int End => Offset + Data.Length;

    /// <summary>Reads a fragment; false when the packet is no whole fragment (cut by the capture, lengths that contradict each other).</summary>
    public static bool TryRead(ReadOnlySpan<byte> ip, out IpFragment fragment)
    {
        fragment = default;
        if (ip.IsEmpty)
            return false;
        return (ip[0] >> 4) switch
        {
            4 => TryReadV4(ip, out fragment),
            6 => TryReadV6(ip, out fragment),
            _ => false,
        };
    }

    /// <summary>RFC 791 §3.1: Fragment Offset counts 8-octet units; flag bit 2 is More Fragments.</summary>
    private static bool TryReadV4(ReadOnlySpan<byte> ip, out IpFragment fragment)
    {
        fragment = default;
        if (ip.Length < 20)
            return false;
        int headerLength = (ip[0] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        // A fragment cut by the snap length cannot be put back together: its bytes are not all there.
        if (headerLength < 20 || totalLength < headerLength || ip.Length < totalLength)
            return false;
        int flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        fragment = new IpFragment
        {
            Key = new FragmentKey(NetAddress.FromV4(ip[12..]), NetAddress.FromV4(ip[16..]),
                BinaryPrimitives.ReadUInt16BigEndian(ip[4..]), ip[9]),
            Offset = (flagsAndOffset & 0x1FFF) * 8,
            More = (flagsAndOffset & 0x2000) != 0,
            Data = ip[headerLength..totalLength],
            Header = ip[..headerLength],
            Carried = ip[9],
        };
        return true;
    }

    /// <summary>RFC 8200 §4.5: the Fragment header follows the unfragmentable part; its offset counts 8-octet units, bit 0 is M.</summary>
    private static bool TryReadV6(ReadOnlySpan<byte> ip, out IpFragment fragment)
    {
        fragment = default;
        if (ip.Length < 40)
            return false;
        int end = 40 + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        // Payload Length 0 is a jumbogram, which cannot be fragmented (RFC 2675 §3).
        if (end == 40 || ip.Length < end)
            return false;
        int position = 40, nextHeaderField = 6;
        for (int count = 0; count <= MaxHeadersBeforeFragment; count++)
        {
            byte next = ip[nextHeaderField];
            if (next == NextHeaderFragment)
                return end >= position + 8 && TryReadFragmentHeader(ip[..end], position, nextHeaderField, out fragment);
            if (next is not (0 or 43 or 60) || end < position + 8)
                return false;
            nextHeaderField = position;
            position += (ip[position + 1] + 1) * 8;
        }
        return false;
    }

    private static bool TryReadFragmentHeader(ReadOnlySpan<byte> ip, int position, int nextHeaderField, out IpFragment fragment)
    {
        int offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(ip[(position + 2)..]);
        fragment = new IpFragment
        {
            Key = new FragmentKey(NetAddress.FromV6(ip[8..]), NetAddress.FromV6(ip[24..]),
                BinaryPrimitives.ReadUInt32BigEndian(ip[(position + 4)..]), 0),
            Offset = offsetAndFlags & 0xFFF8,
            More = (offsetAndFlags & 1) != 0,
            Data = ip[(position + 8)..],
            Header = ip[..position],
            NextHeaderField = nextHeaderField,
            Carried = ip[position],
        };
        return true;
    }
}
