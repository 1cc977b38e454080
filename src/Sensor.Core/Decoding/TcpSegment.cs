namespace Sensor.Core.Decoding;

[Flags]
public enum TcpFlags : byte
{
    None = 0, Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10, Urg = 0x20,
}

/// <summary>
/// One decoded TCP segment. A ref struct over the capture buffer: the payload is valid only
/// until the next packet is read, so whoever keeps bytes must copy them.
/// </summary>
public readonly ref struct TcpSegment
{
    public TcpSegment(long timestampTicks, Endpoint source, Endpoint destination,
        uint sequence, uint acknowledgment, TcpFlags flags, ReadOnlySpan<byte> payload, ulong network = VirtualNetwork.None)
    {
        TimestampTicks = timestampTicks;
        Source = source;
        Destination = destination;
        Sequence = sequence;
        Acknowledgment = acknowledgment;
        Flags = flags;
        Payload = payload;
        Network = network;
    }

    /// <summary>Capture time as UTC DateTime ticks.</summary>
    public long TimestampTicks { get; }
    public Endpoint Source { get; }
    public Endpoint Destination { get; }
    public uint Sequence { get; }
    public uint Acknowledgment { get; }
    public TcpFlags Flags { get; }
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The VLANs and VXLAN/Geneve segments the packet came through (<see cref="VirtualNetwork"/>); part of its flow's key.</summary>
    public ulong Network { get; }

    public bool Has(TcpFlags flag) => (Flags & flag) != 0;
}
