using System.Buffers.Binary;
using System.Text;

namespace Sensor.Tests.Decoding.Fragments;

/// <summary>Whole IP packets and their fragments (RFC 791 §3.2, RFC 8200 §4.5), built byte by byte.</summary>
internal static class FragmentBuilder
{
    /// <summary>A whole packet: a 20-byte IPv4 header or a 40-byte IPv6 header, then <paramref name="payload"/>.</summary>
    public static byte[] Packet(bool v6, byte[] payload, byte protocol = 17)
    {
        if (v6)
        {
            var h = new byte[40];
            h[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)payload.Length);
            h[6] = protocol;
            h[7] = 64;
            h[8] = 0x20; h[9] = 0x01; h[10] = 0x0d; h[11] = 0xb8; h[23] = 1;   // 2001:db8::1
            h[24] = 0x20; h[25] = 0x01; h[26] = 0x0d; h[27] = 0xb8; h[39] = 2; // 2001:db8::2
            return [.. h, .. payload];
        }
        var v4 = new byte[20];
        v4[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(2), (ushort)(20 + payload.Length));
        v4[5] = 0x42; v4[4] = 0x42;   // Identification 0x4242, as Fragment gives its pieces
        v4[8] = 64;
        v4[9] = protocol;
        v4[12] = 192; v4[14] = 2; v4[15] = 1;
        v4[16] = 192; v4[18] = 2; v4[19] = 2;
        return [.. v4, .. payload];
    }

    /// <summary>Bytes [start, end) of <paramref name="packet"/>'s payload as one fragment, More Fragments set unless it reaches the end.</summary>
    public static byte[] Fragment(byte[] packet, int start, int end, uint id = 0x4242, bool? more = null)
    {
        bool v6 = packet[0] >> 4 == 6;
        int headerLength = v6 ? 40 : 20;
        bool mf = more ?? end < packet.Length - headerLength;
        var data = packet[(headerLength + start)..(headerLength + end)];
        if (v6)
        {
            var h = packet[..40];
            var fragment = new byte[8];
            fragment[0] = packet[6];
            BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(2), (ushort)(start | (mf ? 1 : 0)));
            BinaryPrimitives.WriteUInt32BigEndian(fragment.AsSpan(4), id);
            h[6] = 44;
            BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)(8 + data.Length));
            return [.. h, .. fragment, .. data];
        }
        var v4 = packet[..20];
        BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(2), (ushort)(20 + data.Length));
        BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(4), (ushort)id);
        BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(6), (ushort)((mf ? 0x2000 : 0) | (start / 8)));
        return [.. v4, .. data];
    }

    public static byte[] Repeat(string unit, int times) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(unit, times)));
}
