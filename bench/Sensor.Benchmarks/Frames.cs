using System.Buffers.Binary;

namespace Sensor.Benchmarks;

/// <summary>
/// Ethernet + IPv4 + TCP frames in one contiguous buffer (as a capture library's buffer would be),
/// written by hand like bench/Sensor.CaptureGen does. Checksums are zero (the sensor never checks them).
/// </summary>
public sealed class FrameSet
{
    private byte[] _buffer = new byte[1 << 20];
    private int _length;
    public List<(int Offset, int Length)> Frames { get; } = new();
    public ReadOnlySpan<byte> Frame(int i) => _buffer.AsSpan(Frames[i].Offset, Frames[i].Length);
    public Span<byte> MutableFrame(int i) => _buffer.AsSpan(Frames[i].Offset, Frames[i].Length);
    public long PayloadBytes { get; private set; }
    public const int TcpSeqOffset = 14 + 20 + 4, TcpAckOffset = 14 + 20 + 8;

    public void Add(uint srcIp, ushort srcPort, uint dstIp, ushort dstPort, uint seq, uint ack, byte flags, ReadOnlySpan<byte> payload)
    {
        int length = 54 + payload.Length;
        if (_length + length > _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        var f = _buffer.AsSpan(_length, length);
        f[..12].Fill(0x02);
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f[14..];
        ip[0] = 0x45; ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(40 + payload.Length));
        BinaryPrimitives.WriteUInt32BigEndian(ip[4..], 0x00004000);
        ip[8] = 64; ip[9] = 6; ip[10] = 0; ip[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], srcIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], dstIp);
        var tcp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], dstPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack);
        tcp[12] = 5 << 4; tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[16..], 0);
        payload.CopyTo(tcp[20..]);
        Frames.Add((_length, length));
        _length += length;
        PayloadBytes += payload.Length;
    }
}
