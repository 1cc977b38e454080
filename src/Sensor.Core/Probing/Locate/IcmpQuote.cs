using System.Buffers.Binary;
using System.Net;

namespace Sensor.Core.Probing.Locate;

/// <summary>
/// An ICMP error and the start of the datagram it quotes: who sent it, why (type and code), and the
/// quoted packet's addresses, protocol and first four transport bytes (the TCP or UDP ports), which
/// tell which of our probes it answers.
/// </summary>
public readonly record struct IcmpQuote(
    IPAddress From,
    byte Type,
    byte Code,
    byte QuotedProtocol,
    IPAddress QuotedSource,
    IPAddress QuotedDestination,
    ushort QuotedSourcePort,
    ushort QuotedDestinationPort)
{
    /// <summary>ICMP time exceeded (RFC 792), code 0: the TTL ran out in transit.</summary>
    public const byte TimeExceededV4 = 11;
    /// <summary>ICMP destination unreachable (RFC 792).</summary>
    public const byte UnreachableV4 = 3;
    /// <summary>ICMPv6 time exceeded (RFC 4443 §3.3), code 0: the hop limit ran out in transit.</summary>
    public const byte TimeExceededV6 = 3;
    /// <summary>ICMPv6 destination unreachable (RFC 4443 §3.1).</summary>
    public const byte UnreachableV6 = 1;
    public const byte Tcp = 6;

    private const int IcmpHeader = 8;
    private const int Ipv6Header = 40;

    /// <summary>A time exceeded in transit: the hop that sent it is where the probe's TTL ran out.</summary>
    public bool IsTimeExceeded(bool v6) => Type == (v6 ? TimeExceededV6 : TimeExceededV4) && Code == 0;

    /// <summary>
    /// Reads what a raw IPv4 ICMP socket receives: the IPv4 header, then the ICMP message. Only the
    /// errors that quote a datagram (destination unreachable, time exceeded: RFC 792, and RFC 1812
    /// §4.3.2.3 has routers quote at least 8 bytes past the quoted IP header) are taken; false for
    /// anything else, for truncated or malformed input.
    /// </summary>
    public static bool TryParseV4(ReadOnlySpan<byte> datagram, out IcmpQuote quote)
    {
        quote = default;
        if (!TryIpv4Header(datagram, out var headerLength, out var protocol, out var from, out _) || protocol != 1)
            return false;
        var icmp = datagram[headerLength..];
        if (icmp.Length < IcmpHeader || icmp[0] is not (TimeExceededV4 or UnreachableV4))
            return false;
        var quoted = icmp[IcmpHeader..];
        if (!TryIpv4Header(quoted, out var quotedLength, out var quotedProtocol, out var source, out var destination)
            || quoted.Length < quotedLength + 4)
            return false;
        var ports = quoted[quotedLength..];
        quote = new IcmpQuote(from, icmp[0], icmp[1], quotedProtocol, source, destination,
            BinaryPrimitives.ReadUInt16BigEndian(ports), BinaryPrimitives.ReadUInt16BigEndian(ports[2..]));
        return true;
    }

    /// <summary>
    /// Reads what a raw ICMPv6 socket receives: the ICMPv6 message alone (the kernel keeps the IPv6
    /// header; <paramref name="from"/> is the sender the socket reported). The quoted datagram's next
    /// header must be the transport itself: a quote with extension headers is not one of our probes.
    /// </summary>
    public static bool TryParseV6(ReadOnlySpan<byte> icmp, IPAddress from, out IcmpQuote quote)
    {
        quote = default;
        if (icmp.Length < IcmpHeader + Ipv6Header + 4 || icmp[0] is not (TimeExceededV6 or UnreachableV6))
            return false;
        var quoted = icmp[IcmpHeader..];
        if (quoted[0] >> 4 != 6)
            return false;
        var ports = quoted[Ipv6Header..];
        quote = new IcmpQuote(from, icmp[0], icmp[1], quoted[6], new IPAddress(quoted.Slice(8, 16)), new IPAddress(quoted.Slice(24, 16)),
            BinaryPrimitives.ReadUInt16BigEndian(ports), BinaryPrimitives.ReadUInt16BigEndian(ports[2..]));
        return true;
    }

    /// <summary>An IPv4 header (RFC 791 §3.1): version 4, IHL of 5 to 15 words, all of it present.</summary>
    private static bool TryIpv4Header(ReadOnlySpan<byte> packet, out int length, out byte protocol, out IPAddress source, out IPAddress destination)
    {
        length = 0;
        protocol = 0;
        source = destination = IPAddress.None;
        if (packet.Length < 20 || packet[0] >> 4 != 4)
            return false;
        length = (packet[0] & 0x0f) * 4;
        if (length < 20 || packet.Length < length)
            return false;
        protocol = packet[9];
        source = new IPAddress(packet.Slice(12, 4));
        destination = new IPAddress(packet.Slice(16, 4));
        return true;
    }
}
