using System.Buffers.Binary;
using Sensor.Core.Decoding;

namespace Sensor.CaptureGen;

/// <summary>How every frame is carried: plainly, in a PPPoE session (RFC 2516), or in VXLAN (RFC 7348).</summary>
internal enum Wrap { None, Pppoe, Vxlan }

/// <summary>
/// Classic pcap (little-endian, microseconds, LINKTYPE_ETHERNET) written by hand, streamed through a
/// 4 MiB buffer. Every frame is Ethernet + IPv4 (20 bytes, DF) + TCP (20 bytes); checksums are zero.
/// Wrapped, the same Ethernet frame is inside outer Ethernet/IPv4/UDP/VXLAN (50 bytes more), or the
/// same IP packet inside PPPoE and PPP (8 bytes more).
/// </summary>
internal sealed class PcapWriter : IDisposable
{
    public const int RecordHeader = 16, Ethernet = 14, Ipv4 = 20, Tcp = 20;
    public const int RecordOverhead = RecordHeader + Ethernet + Ipv4 + Tcp;
    private const int MaxPayload = 65535 - Ipv4 - Tcp;

    private const int PppoeOverhead = 8, VxlanOverhead = 50;

    private readonly Stream _out;
    private readonly byte[] _frame = new byte[RecordOverhead + VxlanOverhead + MaxPayload];
    private readonly Wrap _wrap;
    private ushort _ipId;

    public PcapWriter(string path, Wrap wrap = Wrap.None)
    {
        _wrap = wrap;
        _out = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 4 << 20);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        _out.Write(header);
        Bytes = 24;
    }

    public long Packets { get; private set; }
    public long Bytes { get; private set; }

    public void Write(long micros, uint srcIp, ushort srcPort, uint dstIp, ushort dstPort,
        uint seq, uint ack, TcpFlags flags, ReadOnlySpan<byte> payload)
    {
        int outer = _wrap switch { Wrap.Pppoe => PppoeOverhead, Wrap.Vxlan => VxlanOverhead, _ => 0 };
        if (payload.Length > MaxPayload - outer)
            throw new ArgumentException("payload too large for one IPv4 packet");
        var f = _frame.AsSpan();
        int ipLength = Ipv4 + Tcp + payload.Length;
        int frameLength = outer + Ethernet + ipLength;
        BinaryPrimitives.WriteUInt32LittleEndian(f, (uint)(micros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(f[4..], (uint)(micros % 1_000_000));
        BinaryPrimitives.WriteInt32LittleEndian(f[8..], frameLength);
        BinaryPrimitives.WriteInt32LittleEndian(f[12..], frameLength);

        var eth = f[RecordHeader..];
        if (_wrap == Wrap.Vxlan)
            eth = WriteVxlan(eth, srcIp, dstIp, (ushort)(srcPort ^ dstPort), ipLength);
        // Locally administered MACs derived from the IPs: stable per host.
        eth[0] = 0x02; BinaryPrimitives.WriteUInt32BigEndian(eth[1..], dstIp); eth[5] = 0x01;
        eth[6] = 0x02; BinaryPrimitives.WriteUInt32BigEndian(eth[7..], srcIp); eth[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(eth[12..], 0x0800);

        var ip = eth[Ethernet..];
        if (_wrap == Wrap.Pppoe)
            ip = WritePppoe(eth, ipLength);
        ip[0] = 0x45; ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(Ipv4 + Tcp + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], _ipId++);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // DF, offset 0
        ip[8] = 64; ip[9] = 6;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], srcIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], dstIp);

        var tcp = ip[Ipv4..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], dstPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], (flags & TcpFlags.Ack) != 0 ? ack : 0);
        tcp[12] = 5 << 4;
        tcp[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[16..], 0); // checksum + urgent pointer
        payload.CopyTo(tcp[Tcp..]);

        int record = RecordHeader + frameLength;
        _out.Write(_frame, 0, record);
        Packets++;
        Bytes += record;
    }

    /// <summary>PPPoE session 0x0001 (RFC 2516 §4) and PPP protocol 0x0021 after the Ethernet header; returns where IP goes.</summary>
    private static Span<byte> WritePppoe(Span<byte> eth, int ipLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(eth[12..], 0x8864);
        var pppoe = eth[Ethernet..];
        pppoe[0] = 0x11; pppoe[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(pppoe[2..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(pppoe[4..], (ushort)(2 + ipLength));
        BinaryPrimitives.WriteUInt16BigEndian(pppoe[6..], 0x0021);
        return pppoe[PppoeOverhead..];
    }

    /// <summary>
    /// Outer Ethernet, IPv4 between two tunnel endpoints (one per direction of the inner flow), UDP to
    /// 4789 from a source port hashed from the inner ports (RFC 7348 §5), VXLAN with VNI 5001; returns
    /// where the inner Ethernet frame goes.
    /// </summary>
    private Span<byte> WriteVxlan(Span<byte> f, uint srcIp, uint dstIp, ushort entropy, int ipLength)
    {
        bool up = srcIp < dstIp;
        uint local = up ? 0xC0000201u : 0xC0000202u, remote = up ? 0xC0000202u : 0xC0000201u; // 192.0.2.1/2
        f[0] = 0x02; BinaryPrimitives.WriteUInt32BigEndian(f[1..], remote); f[5] = 0x02;
        f[6] = 0x02; BinaryPrimitives.WriteUInt32BigEndian(f[7..], local); f[11] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f[Ethernet..];
        ip[0] = 0x45; ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(Ipv4 + 8 + 8 + Ethernet + ipLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], _ipId);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000);
        ip[8] = 64; ip[9] = 17;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], local);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], remote);
        var udp = ip[Ipv4..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(49152 | entropy & 0x3FFF));
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 4789);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + 8 + Ethernet + ipLength));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        var vxlan = udp[8..];
        BinaryPrimitives.WriteUInt32BigEndian(vxlan, 0x08000000);
        BinaryPrimitives.WriteUInt32BigEndian(vxlan[4..], 5001u << 8);
        return vxlan[8..];
    }

    public void Dispose() => _out.Dispose();
}
