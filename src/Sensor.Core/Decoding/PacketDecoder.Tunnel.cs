using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

/// <summary>
/// Where a frame leaves the plain Ethernet/IP/TCP path: an ethertype or IP protocol that carries
/// another packet. Not inlined, so the plain path stays as small as it was.
/// </summary>
public sealed partial class PacketDecoder
{
    private const int EtherTypeTransparentBridging = 0x6558;  // Ethernet frame as payload (GRE, Geneve)
    private const int EtherTypePppoeSession = 0x8864;        // RFC 2516 §4
    private const int EtherTypeMplsUnicast = 0x8847, EtherTypeMplsMulticast = 0x8848;  // RFC 3032 §5

    /// <summary>Anything but IP behind an ethertype, a GRE or a Geneve protocol type (all ethertypes).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DecodeResult DecodeOtherEtherType(int etherType, ReadOnlySpan<byte> payload, scoped ref DecodeContext context,
        out TcpSegment segment, EncapsulationLayer layer = EncapsulationLayer.EtherType)
    {
        segment = default;
        return etherType switch
        {
            EtherTypePppoeSession => DecodePppoe(payload, ref context, out segment),
            EtherTypeMplsUnicast or EtherTypeMplsMulticast => DecodeMpls(payload, ref context, out segment),
            EtherTypeTransparentBridging => DecodeEthernet(payload, ref context, out segment),
            _ when IsLinkControl(etherType) => DecodeResult.NotTcp,
            _ => context.NotUnderstood(layer, etherType),
        };
    }

    /// <summary>A payload typed by an ethertype inside a tunnel (GRE protocol type, Geneve protocol type).</summary>
    private static DecodeResult DecodeTyped(int etherType, ReadOnlySpan<byte> payload, scoped ref DecodeContext context,
        out TcpSegment segment, EncapsulationLayer layer) =>
        etherType switch
        {
            EtherTypeIpv4 => DecodeIpv4(payload, ref context, out segment),
            EtherTypeIpv6 => DecodeIpv6(payload, ref context, out segment),
            _ => DecodeOtherEtherType(etherType, payload, ref context, out segment, layer),
        };

    /// <summary>
    /// Link-layer protocols that never carry IP: ARP, RARP, Wake-on-LAN, flow control, slow protocols
    /// (LACP), PPPoE discovery, EAPOL, LLDP, PTP, CFM; and an 802.3 length field (LLC: STP, CDP).
    /// Every other ethertype that is not decoded is counted by name.
    /// </summary>
    private static bool IsLinkControl(int etherType) =>
        etherType < 0x0600 || etherType is 0x0806 or 0x8035 or 0x0842 or 0x8808 or 0x8809 or 0x8863 or 0x888E or 0x88CC or 0x88F7 or 0x8902;

    /// <summary>An Ethernet frame carried in a tunnel (transparent bridging, VXLAN, ERSPAN, a pseudowire, EtherIP).</summary>
    private static DecodeResult DecodeEthernet(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!context.Enter(f, 14, out var stop))
            return stop;
        var link = EtherTypeAt(f, 12, 14, out int etherType, out int offset);
        return link == DecodeResult.Tcp ? DecodeEtherType(etherType, f[offset..], ref context, out segment) : link;
    }

    /// <summary>
    /// What an IP header says it carries when it is not TCP. <paramref name="payload"/> ends at the IP
    /// length or at the snap length (<paramref name="capturedShort"/> says which).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DecodeResult DecodeIpPayload(byte protocol, ReadOnlySpan<byte> payload, bool capturedShort,
        scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        context.CapturedShort = capturedShort;
        context.LengthKnown = true;
        switch (protocol)
        {
            case 4 or 41: // IP in IP (RFC 2003), 6in4 and 4in6 (RFC 4213 §3.5, RFC 2473)
                if (!context.Enter())
                    return DecodeResult.Malformed;
                return protocol == 4 ? DecodeIpv4(payload, ref context, out segment) : DecodeIpv6(payload, ref context, out segment);
            case 17:
                return DecodeUdp(payload, ref context, out segment);
            case 47:
                return DecodeGre(payload, ref context, out segment);
            case 97: // EtherIP (RFC 3378 §3): a 16-bit header, version 3, then an Ethernet frame
                if (payload.Length < 2)
                    return context.Short;
                return payload[0] >> 4 == 3 ? DecodeEthernet(payload[2..], ref context, out segment) : DecodeResult.Malformed;
            case 137: // MPLS in IP (RFC 4023 §3)
                return DecodeMpls(payload, ref context, out segment);
            case 50 or 51 or 94 or 98 or 108 or 115: // ESP, AH over IPv4, KA9Q IPIP, ENCAP, IPComp, L2TPv3 over IP
                return context.NotUnderstood(EncapsulationLayer.IpProtocol, protocol);
            default:
                return DecodeResult.NotTcp;
        }
    }
}
