using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

/// <summary>Tunnels over UDP, found by their IANA ports: VXLAN, Geneve, L2TP, GTP-U.</summary>
public sealed partial class PacketDecoder
{
    private const int PortVxlan = 4789, PortGeneve = 6081, PortL2tp = 1701, PortGtpU = 2152;
    // GTP-U extension headers in one packet beyond this are hostile (TS 29.281 defines a handful).
    private const int MaxGtpExtensions = 16;

    /// <summary>
    /// UDP (RFC 768): the destination port says which tunnel, else the source port (an L2TP peer may
    /// answer from another port, RFC 2661 §8.1). Any other UDP is not mail.
    /// </summary>
    private static DecodeResult DecodeUdp(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (f.Length < 8)
            return context.Short;
        int length = BinaryPrimitives.ReadUInt16BigEndian(f[4..]);
        if (length is > 0 and < 8)
            return DecodeResult.Malformed;
        var payload = f[8..(length == 0 ? f.Length : Math.Min(length, f.Length))];
        int port = BinaryPrimitives.ReadUInt16BigEndian(f[2..]);
        if (!IsTunnelPort(port))
            port = BinaryPrimitives.ReadUInt16BigEndian(f);
        return port switch
        {
            PortVxlan => DecodeVxlan(payload, ref context, out segment),
            PortGeneve => DecodeGeneve(payload, ref context, out segment),
            PortL2tp => DecodeL2tp(payload, ref context, out segment),
            PortGtpU => DecodeGtpU(payload, ref context, out segment),
            _ => DecodeResult.NotTcp,
        };
    }

    private static bool IsTunnelPort(int port) => port is PortVxlan or PortGeneve or PortL2tp or PortGtpU;

    /// <summary>VXLAN (RFC 7348 §5): flags (I: the VNI is valid), 24-bit VNI, then an Ethernet frame.</summary>
    private static DecodeResult DecodeVxlan(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (f.Length < 8)
            return context.Short;
        if ((f[0] & 0x08) != 0)
            context.Network = VirtualNetwork.AddVxlan(context.Network, BinaryPrimitives.ReadUInt32BigEndian(f[4..]) >> 8);
        return DecodeEthernet(f[8..], ref context, out segment);
    }

    /// <summary>
    /// Geneve (RFC 8926 §3.4): version 0, options length in 4-byte words, protocol type (an ethertype:
    /// 0x6558 Ethernet, or IP directly), 24-bit VNI, then the options, skipped.
    /// </summary>
    private static DecodeResult DecodeGeneve(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!context.Enter(f, 8, out var stop))
            return stop;
        if (f[0] >> 6 != 0)
            return context.NotUnderstood(EncapsulationLayer.GeneveVersion, f[0] >> 6);
        int headerLength = 8 + (f[0] & 0x3F) * 4;
        if (f.Length < headerLength)
            return context.Short;
        context.Network = VirtualNetwork.AddGeneve(context.Network, BinaryPrimitives.ReadUInt32BigEndian(f[4..]) >> 8);
        int protocol = BinaryPrimitives.ReadUInt16BigEndian(f[2..]);
        return DecodeTyped(protocol, f[headerLength..], ref context, out segment, EncapsulationLayer.GeneveProtocol);
    }

    /// <summary>
    /// GTP-U (3GPP TS 29.281 §5.1): version 1 with PT=1, message type 255 (G-PDU) carries a user's IP
    /// packet; echo, error indication and end marker carry none. With any of E, S, PN the optional
    /// 4 bytes follow, and with E a chain of extension headers, each its length in 4-byte units first
    /// and its next type last (§5.2).
    /// </summary>
    private static DecodeResult DecodeGtpU(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!context.Enter(f, 8, out var stop))
            return stop;
        int flags = f[0];
        if (flags >> 5 != 1)
            return context.NotUnderstood(EncapsulationLayer.GtpVersion, flags >> 5);
        if ((flags & 0x10) == 0)
            return DecodeResult.Malformed; // PT=0 is GTP' (charging), never on the GTP-U port
        if (f[1] != 0xFF)
            return DecodeResult.NotTcp;
        int end = Math.Min(f.Length, 8 + BinaryPrimitives.ReadUInt16BigEndian(f[2..]));
        int offset = 8;
        if ((flags & 0x07) != 0)
        {
            if (end < 12)
                return context.Short;
            offset = 12;
            if ((flags & 0x04) != 0 && SkipGtpExtensions(f[..end], f[11], ref offset) is var walk && walk != DecodeResult.Tcp)
                return walk == DecodeResult.Truncated ? context.Short : walk;
        }
        return DecodeIp(f[offset..end], ref context, out segment);
    }

    private static DecodeResult SkipGtpExtensions(ReadOnlySpan<byte> f, byte next, ref int offset)
    {
        for (int count = 0; next != 0; count++)
        {
            if (count == MaxGtpExtensions)
                return DecodeResult.Malformed;
            if (f.Length <= offset)
                return DecodeResult.Truncated;
            int length = f[offset] * 4;
            if (length == 0)
                return DecodeResult.Malformed;
            if (f.Length < offset + length)
                return DecodeResult.Truncated;
            next = f[offset + length - 1];
            offset += length;
        }
        return DecodeResult.Tcp;
    }
}
