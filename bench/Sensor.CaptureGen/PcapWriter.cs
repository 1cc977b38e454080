using System.Buffers.Binary;
using Sensor.Core.Decoding;

namespace Sensor.CaptureGen;

/// <summary>
/// Classic pcap (little-endian, microseconds, LINKTYPE_ETHERNET) written by hand, streamed through a
/// 4 MiB buffer. Every frame is Ethernet + IPv4 (20 bytes, DF) + TCP (20 bytes); checksums are zero.
/// </summary>
internal sealed class PcapWriter : IDisposable
{
    public const int RecordHeader = 16, Ethernet = 14, Ipv4 = 20, Tcp = 20;
    public const int RecordOverhead = RecordHeader + Ethernet + Ipv4 + Tcp;
    private const int MaxPayload = 65535 - Ipv4 - Tcp;

    private readonly Stream _out;
    private readonly byte[] _frame = new byte[RecordOverhead + MaxPayload];
    private ushort _ipId;

    public PcapWriter(string path)
    {
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
        if (payload.Length > MaxPayload)
            throw new ArgumentException("payload too large for one IPv4 packet");
        var f = _frame.AsSpan();
        int frameLength = Ethernet + Ipv4 + Tcp + payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(f, (uint)(micros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(f[4..], (uint)(micros % 1_000_000));
        BinaryPrimitives.WriteInt32LittleEndian(f[8..], frameLength);
        BinaryPrimitives.WriteInt32LittleEndian(f[12..], frameLength);

        var eth = f[RecordHeader..];
        // Locally administered MACs derived from the IPs: stable per host.
        eth[0] = 0x02; BinaryPrimitives.WriteUInt32BigEndian(eth[1..], dstIp); eth[5] = 0x01;
        eth[6] = 0x02; BinaryPrimitives.WriteUInt32BigEndian(eth[7..], srcIp); eth[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(eth[12..], 0x0800);

        var ip = eth[Ethernet..];
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

    public void Dispose() => _out.Dispose();
}
