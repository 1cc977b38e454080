using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

public sealed partial class PacketDecoder
{
    // A label stack deeper than this is hostile (real stacks: transport, service, entropy, a few more).
    private const int MaxMplsLabels = 16;
    private const uint GenericAssociatedChannelLabel = 13; // GAL, RFC 5586 §4

    /// <summary>
    /// MPLS (RFC 3032 §2.1): 4-byte label stack entries up to the one with the bottom-of-stack bit. What
    /// follows has no type field: its first nibble says (RFC 4385 §2, as Wireshark and Suricata read it):
    /// 4 or 6 is IP, 0 is a pseudowire control word followed by an Ethernet frame (RFC 4448 §3), 1 is an
    /// associated channel (OAM). An Ethernet pseudowire without a control word cannot be told apart.
    /// </summary>
    private static DecodeResult DecodeMpls(ReadOnlySpan<byte> f, scoped ref DecodeContext context, out TcpSegment segment)
    {
        segment = default;
        if (!context.Enter())
            return DecodeResult.Malformed;
        int offset = 0;
        uint entry;
        do
        {
            if (offset == MaxMplsLabels * 4)
                return DecodeResult.Malformed;
            if (f.Length < offset + 4)
                return context.Short;
            entry = BinaryPrimitives.ReadUInt32BigEndian(f[offset..]);
            offset += 4;
        }
        while ((entry & 0x100) == 0);
        if (entry >> 12 == GenericAssociatedChannelLabel)
            return DecodeResult.NotTcp;
        var payload = f[offset..];
        if (payload.IsEmpty)
            return context.Short;
        switch (payload[0] >> 4)
        {
            case 4:
                return DecodeIpv4(payload, ref context, out segment);
            case 6:
                return DecodeIpv6(payload, ref context, out segment);
            case 0:
                return payload.Length < 4 ? context.Short : DecodeEthernet(payload[4..], ref context, out segment);
            case 1:
                return DecodeResult.NotTcp;
            default:
                return context.NotUnderstood(EncapsulationLayer.MplsPayload, payload[0] >> 4);
        }
    }
}
