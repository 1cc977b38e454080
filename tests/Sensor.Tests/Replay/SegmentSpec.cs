using System.Buffers.Binary;
using Sensor.Core.Decoding;

namespace Sensor.Tests.Replay;

/// <summary>A TCP segment lifted out of a real capture, to be re-cut and written back as a raw-IP frame.</summary>
public sealed record SegmentSpec(long Ticks, Endpoint Source, Endpoint Destination, uint Sequence, uint Acknowledgment, TcpFlags Flags, byte[] Payload)
{
    public static SegmentSpec? FromFrame(int linkType, long ticks, ReadOnlySpan<byte> frame)
    {
        if (PacketDecoder.DecodeFrame(linkType, ticks, frame, out var s) != DecodeResult.Tcp)
            return null;
        return new SegmentSpec(s.TimestampTicks, s.Source, s.Destination, s.Sequence, s.Acknowledgment, s.Flags, s.Payload.ToArray())
        {
            UrgentPointer = s.UrgentPointer,
        };
    }

    public bool IsData => Payload.Length > 0;

    /// <summary>The Urgent Pointer written into the header (meaningful with <see cref="TcpFlags.Urg"/>).</summary>
    public ushort UrgentPointer { get; init; }

    /// <summary>
    /// The frame with its TCP checksum as a sender's NIC puts it on the wire (RFC 1071 over the pseudo-header
    /// and the segment, written here independently of the sensor's own), or that checksum spoiled.
    /// </summary>
    public byte[] ToChecksummedFrame(bool good = true)
    {
        var frame = ToRawIpFrame();
        bool v6 = Source.Address.IsV6;
        var tcp = frame.AsSpan(v6 ? 40 : 20);
        var pseudo = new List<byte>();
        pseudo.AddRange(frame.AsSpan(v6 ? 8 : 12, v6 ? 32 : 8).ToArray());
        pseudo.AddRange(v6 ? [0, 0, (byte)(tcp.Length >> 8), (byte)tcp.Length, 0, 0, 0, 6] : [0, 6, (byte)(tcp.Length >> 8), (byte)tcp.Length]);
        pseudo.AddRange(tcp.ToArray());
        if (pseudo.Count % 2 == 1)
            pseudo.Add(0);
        uint sum = 0;
        for (int i = 0; i < pseudo.Count; i += 2)
            sum += (uint)(pseudo[i] << 8 | pseudo[i + 1]);
        while (sum > 0xFFFF)
            sum = (sum >> 16) + (sum & 0xFFFF);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)(~sum ^ (good ? 0 : 0x5A5A)));
        return frame;
    }

    /// <summary>A raw IP frame (LINKTYPE_RAW) carrying this segment; checksums left zero, as offloading leaves them.</summary>
    public byte[] ToRawIpFrame()
    {
        bool v6 = Source.Address.IsV6;
        int ipHeader = v6 ? 40 : 20;
        var frame = new byte[ipHeader + 20 + Payload.Length];
        if (v6)
            WriteIpv6(frame);
        else
            WriteIpv4(frame);
        WriteTcp(frame.AsSpan(ipHeader));
        return frame;
    }

    private void WriteIpv4(Span<byte> f)
    {
        f[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(f[2..], (ushort)f.Length);
        f[6] = 0x40;
        f[8] = 64;
        f[9] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(f[12..], (uint)Source.Address.Value);
        BinaryPrimitives.WriteUInt32BigEndian(f[16..], (uint)Destination.Address.Value);
    }

    private void WriteIpv6(Span<byte> f)
    {
        f[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(f[4..], (ushort)(f.Length - 40));
        f[6] = 6;
        f[7] = 64;
        BinaryPrimitives.WriteUInt128BigEndian(f[8..], Source.Address.Value);
        BinaryPrimitives.WriteUInt128BigEndian(f[24..], Destination.Address.Value);
    }

    private void WriteTcp(Span<byte> t)
    {
        BinaryPrimitives.WriteUInt16BigEndian(t, Source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], Destination.Port);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], Acknowledgment);
        t[12] = 5 << 4;
        t[13] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], 65535);
        BinaryPrimitives.WriteUInt16BigEndian(t[18..], UrgentPointer);
        Payload.CopyTo(t[20..]);
    }
}
