using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

/// <summary>GRE and the ERSPAN mirror sessions it carries.</summary>
public sealed partial class PacketDecoder
{
    private const int GreProtocolErspan2 = 0x88BE, GreProtocolErspan3 = 0x22EB;

    /// <summary>
    /// GRE (RFC 2784 §2, RFC 2890 §2): flags and version, protocol type (an ethertype), then the optional
    /// checksum and reserved word (C), key (K) and sequence number (S). A set routing bit or strict source
    /// route bit is RFC 1701's, which RFC 2784 §2.3 says to discard; version 1 is PPTP's enhanced GRE
    /// (RFC 2637), counted as not understood. Protocol type 0 is a keepalive's reply.
    /// </summary>
    private static DecodeResult DecodeGre(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!context.Enter(f, 4, out var stop))
            return stop;
        int flags = BinaryPrimitives.ReadUInt16BigEndian(f);
        int protocol = BinaryPrimitives.ReadUInt16BigEndian(f[2..]);
        if ((flags & 0x0007) != 0)
            return context.NotUnderstood(EncapsulationLayer.GreVersion, flags & 0x0007);
        if ((flags & 0x4800) != 0)
            return DecodeResult.Malformed;
        bool sequenced = (flags & 0x1000) != 0;
        int offset = 4 + ((flags & 0x8000) != 0 ? 4 : 0) + ((flags & 0x2000) != 0 ? 4 : 0) + (sequenced ? 4 : 0);
        if (f.Length < offset)
            return context.Short;
        var payload = f[offset..];
        return protocol switch
        {
            // ERSPAN type I has no header of its own and no sequence number; type II has both.
            GreProtocolErspan2 when !sequenced => DecodeEthernet(payload, ref context, out segment),
            GreProtocolErspan2 => DecodeErspan2(payload, ref context, out segment),
            GreProtocolErspan3 => DecodeErspan3(payload, ref context, out segment),
            0 => DecodeResult.NotTcp,
            _ => DecodeTyped(protocol, payload, ref context, out segment, EncapsulationLayer.GreProtocol),
        };
    }

    /// <summary>ERSPAN type II (draft-foschiano-erspan-03 §4.1): version 1, VLAN, CoS, session id, index; then the mirrored Ethernet frame.</summary>
    private static DecodeResult DecodeErspan2(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (f.Length < 8)
            return context.Short;
        int version = f[0] >> 4;
        return version == 1 ? DecodeEthernet(f[8..], ref context, out segment) : context.NotUnderstood(EncapsulationLayer.ErspanVersion, version);
    }

    /// <summary>
    /// ERSPAN type III (draft-foschiano-erspan-03 §4.2): version 2, a 12-byte header whose last 16 bits are
    /// P, frame type (0 Ethernet, 2 IP), hardware id, direction, granularity and O, the flag for an
    /// 8-byte platform-specific sub-header that follows.
    /// </summary>
    private static DecodeResult DecodeErspan3(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (f.Length < 12)
            return context.Short;
        int version = f[0] >> 4;
        if (version != 2)
            return context.NotUnderstood(EncapsulationLayer.ErspanVersion, version);
        int word = BinaryPrimitives.ReadUInt16BigEndian(f[10..]);
        int headerLength = (word & 1) != 0 ? 20 : 12;
        if (f.Length < headerLength)
            return context.Short;
        return ((word >> 10) & 0x1F) switch
        {
            0 => DecodeEthernet(f[headerLength..], ref context, out segment),
            2 => DecodeIp(f[headerLength..], ref context, out segment),
            int frameType => context.NotUnderstood(EncapsulationLayer.ErspanFrameType, frameType),
        };
    }
}
