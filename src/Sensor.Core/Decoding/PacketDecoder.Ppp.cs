using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

/// <summary>PPP and what carries it: PPPoE sessions and L2TPv2 data messages.</summary>
public sealed partial class PacketDecoder
{
    /// <summary>
    /// PPPoE session stage (RFC 2516 §4): VER=1, TYPE=1, CODE=0, session id, length of the PPP
    /// payload (which keeps Ethernet's padding out). Discovery (0x8863) never reaches here.
    /// </summary>
    private static DecodeResult DecodePppoe(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!context.Enter(f, 6, out var stop))
            return stop;
        if (f[0] != 0x11)
            return DecodeResult.Malformed;
        if (f[1] != 0)
            return DecodeResult.NotTcp;
        int end = 6 + BinaryPrimitives.ReadUInt16BigEndian(f[4..]);
        if (end > f.Length)
            context.CapturedShort = true;
        return DecodePpp(f[6..Math.Min(end, f.Length)], ref context, out segment);
    }

    /// <summary>
    /// A PPP frame (RFC 1661 §2): the protocol field, one byte when compressed (PFC, §6.5: odd low byte),
    /// after an optional HDLC address and control 0xFF 0x03 (RFC 1662 §3.1; L2TP keeps them). Control
    /// protocols (LCP, the NCPs, PAP, CHAP; 0x8000 and up) carry no mail.
    /// </summary>
    private static DecodeResult DecodePpp(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!f.IsEmpty && f[0] == 0xFF)
        {
            if (f.Length < 2)
                return context.Short;
            if (f[1] == 0x03)
                f = f[2..];
        }
        if (f.IsEmpty)
            return context.Short;
        int protocol = f[0];
        int headerLength = 1;
        if ((protocol & 1) == 0)
        {
            if (f.Length < 2)
                return context.Short;
            protocol = BinaryPrimitives.ReadUInt16BigEndian(f);
            headerLength = 2;
        }
        var payload = f[headerLength..];
        return protocol switch
        {
            0x0021 => DecodeIpv4(payload, ref context, out segment),
            0x0057 => DecodeIpv6(payload, ref context, out segment),
            0x0281 or 0x0283 => DecodeMpls(payload, ref context, out segment),
            >= 0x8000 => DecodeResult.NotTcp,
            _ => context.NotUnderstood(EncapsulationLayer.PppProtocol, protocol),
        };
    }

    /// <summary>
    /// L2TPv2 (RFC 2661 §3.1): flags and version, then the optional length, tunnel and session ids,
    /// optional Ns/Nr and an optional offset pad. Control messages (T bit) carry no mail; version 3 over
    /// UDP (RFC 3931) is counted as not understood.
    /// </summary>
    private static DecodeResult DecodeL2tp(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!context.Enter(f, 6, out var stop))
            return stop;
        int flags = BinaryPrimitives.ReadUInt16BigEndian(f);
        if ((flags & 0x000F) != 2)
            return context.NotUnderstood(EncapsulationLayer.L2tpVersion, flags & 0x000F);
        if ((flags & 0x8000) != 0)
            return DecodeResult.NotTcp;
        int offset = 2, end = f.Length;
        if ((flags & 0x4000) != 0)
        {
            end = Math.Min(end, BinaryPrimitives.ReadUInt16BigEndian(f[offset..]));
            offset += 2;
        }
        offset += 4; // tunnel id, session id
        if ((flags & 0x0800) != 0)
            offset += 4; // Ns, Nr
        if ((flags & 0x0200) != 0)
        {
            if (f.Length < offset + 2)
                return context.Short;
            offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(f[offset..]);
        }
        if (end < offset)
            return end == f.Length ? context.Short : DecodeResult.Malformed;
        return DecodePpp(f[offset..end], ref context, out segment);
    }
}
