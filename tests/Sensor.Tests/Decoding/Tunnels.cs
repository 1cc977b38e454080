using System.Buffers.Binary;
using System.Net;

namespace Sensor.Tests.Decoding;

/// <summary>
/// Tunnel headers written byte by byte from their specifications, around inner packets PacketDotNet builds
/// (<see cref="Frames"/>), for the decoder's tunnel tests.
/// </summary>
internal static class Tunnels
{
    public static readonly IPAddress OuterA = IPAddress.Parse("203.0.113.1");
    public static readonly IPAddress OuterB = IPAddress.Parse("203.0.113.2");

    public static byte[] Ethernet(ushort etherType, byte[] payload) =>
        [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, .. Be16(etherType), .. payload];

    /// <summary>An outer IPv4 header (no options) with the given protocol.</summary>
    public static byte[] Ipv4(byte protocol, byte[] payload, IPAddress? src = null, IPAddress? dst = null)
    {
        var h = new byte[20];
        h[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)(20 + payload.Length));
        h[6] = 0x40; // DF
        h[8] = 64;
        h[9] = protocol;
        (src ?? OuterA).GetAddressBytes().CopyTo(h, 12);
        (dst ?? OuterB).GetAddressBytes().CopyTo(h, 16);
        return [.. h, .. payload];
    }

    public static byte[] Ipv6(byte nextHeader, byte[] payload)
    {
        var h = new byte[40];
        h[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)payload.Length);
        h[6] = nextHeader;
        h[7] = 64;
        IPAddress.Parse("2001:db8:ffff::1").GetAddressBytes().CopyTo(h, 8);
        IPAddress.Parse("2001:db8:ffff::2").GetAddressBytes().CopyTo(h, 24);
        return [.. h, .. payload];
    }

    public static byte[] Udp(ushort sport, ushort dport, byte[] payload) =>
        [.. Be16(sport), .. Be16(dport), .. Be16((ushort)(8 + payload.Length)), 0, 0, .. payload];

    /// <summary>GRE (RFC 2784/2890) with the optional checksum, key and sequence number words.</summary>
    public static byte[] Gre(ushort protocol, byte[] payload, bool checksum = false, uint? key = null, uint? sequence = null, int version = 0)
    {
        ushort flags = (ushort)((checksum ? 0x8000 : 0) | (key is null ? 0 : 0x2000) | (sequence is null ? 0 : 0x1000) | version);
        var h = new List<byte>([.. Be16(flags), .. Be16(protocol)]);
        if (checksum) h.AddRange(new byte[] { 0xAB, 0xCD, 0, 0 });
        if (key is { } k) h.AddRange(Be32(k));
        if (sequence is { } s) h.AddRange(Be32(s));
        return [.. h, .. payload];
    }

    /// <summary>ERSPAN type II header: version 1, VLAN 0, session id.</summary>
    public static byte[] Erspan2(ushort session, byte[] ethernet) =>
        [0x10, 0x00, (byte)(session >> 8 & 0x03), (byte)session, 0, 0, 0, 7, .. ethernet];

    /// <summary>ERSPAN type III header: version 2, timestamp, SGT, frame type, O flag with an 8-byte platform sub-header.</summary>
    public static byte[] Erspan3(ushort session, byte[] payload, bool platform, int frameType = 0)
    {
        ushort last = (ushort)((frameType & 0x1F) << 10 | (platform ? 1 : 0));
        byte[] h = [0x20, 0x00, (byte)(session >> 8 & 0x03), (byte)session, 0x11, 0x22, 0x33, 0x44, 0, 0, .. Be16(last)];
        return platform ? [.. h, 0x03, 0, 0, 0, 0x55, 0x66, 0x77, 0x88, .. payload] : [.. h, .. payload];
    }

    public static byte[] Vxlan(uint vni, byte[] ethernet) => [0x08, 0, 0, 0, .. Be32(vni << 8), .. ethernet];

    /// <summary>Geneve with option TLVs (class, type, length in words, data) making up <paramref name="optionWords"/> words.</summary>
    public static byte[] Geneve(uint vni, ushort protocol, byte[] payload, int optionWords = 0)
    {
        var options = new List<byte>();
        for (int left = optionWords; left > 0;)
        {
            int data = Math.Min(left - 1, 31);
            options.AddRange([0x01, 0x02, 0x80, (byte)data]); // class 0x0102, critical type 0x80
            options.AddRange(Enumerable.Repeat((byte)0xEE, data * 4));
            left -= data + 1;
        }
        return [(byte)optionWords, 0, .. Be16(protocol), .. Be32(vni << 8), .. options, .. payload];
    }

    /// <summary>GTP-U G-PDU; with extension headers (type, content words) the E flag and the optional word are set.</summary>
    public static byte[] GtpU(uint teid, byte[] ip, byte messageType = 0xFF, bool sequence = false, params (byte type, int words)[] extensions)
    {
        var body = new List<byte>();
        bool optional = sequence || extensions.Length > 0;
        if (optional)
            body.AddRange([0x12, 0x34, 0, extensions.Length > 0 ? extensions[0].type : (byte)0]);
        for (int i = 0; i < extensions.Length; i++)
        {
            int words = extensions[i].words;
            body.Add((byte)words);
            body.AddRange(Enumerable.Repeat((byte)0x09, words * 4 - 2));
            body.Add(i + 1 < extensions.Length ? extensions[i + 1].type : (byte)0);
        }
        body.AddRange(ip);
        byte flags = (byte)(0x30 | (extensions.Length > 0 ? 0x04 : 0) | (sequence ? 0x02 : 0));
        return [flags, messageType, .. Be16((ushort)body.Count), .. Be32(teid), .. body];
    }

    /// <summary>An MPLS label stack (bottom-of-stack on the last) in front of <paramref name="payload"/>.</summary>
    public static byte[] Mpls(byte[] payload, params uint[] labels)
    {
        var stack = new List<byte>();
        for (int i = 0; i < labels.Length; i++)
            stack.AddRange(Be32(labels[i] << 12 | (i == labels.Length - 1 ? 0x100u : 0) | 64));
        return [.. stack, .. payload];
    }

    public static byte[] Pppoe(ushort pppProtocol, byte[] payload, ushort session = 0x0101) =>
        [0x11, 0x00, .. Be16(session), .. Be16((ushort)(payload.Length + 2)), .. Be16(pppProtocol), .. payload];

    /// <summary>L2TPv2 data message with the length and sequence fields, carrying PPP with the HDLC address and control bytes.</summary>
    public static byte[] L2tp(ushort pppProtocol, byte[] payload, bool length = true, bool sequence = false, int offsetPad = -1)
    {
        ushort flags = (ushort)(0x0002 | (length ? 0x4000 : 0) | (sequence ? 0x0800 : 0) | (offsetPad >= 0 ? 0x0200 : 0));
        var rest = new List<byte>([0x00, 0x05, 0x00, 0x09]); // tunnel 5, session 9
        if (sequence) rest.AddRange(new byte[] { 0, 1, 0, 2 });
        if (offsetPad >= 0) { rest.AddRange(Be16((ushort)offsetPad)); rest.AddRange(new byte[offsetPad]); }
        rest.AddRange([0xFF, 0x03, .. Be16(pppProtocol), .. payload]);
        return length ? [.. Be16(flags), .. Be16((ushort)(rest.Count + 4)), .. rest] : [.. Be16(flags), .. rest];
    }

    public static byte[] Be16(ushort value)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        return b;
    }

    public static byte[] Be32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }
}
