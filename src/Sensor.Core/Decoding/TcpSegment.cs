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
    /// <param name="urgentPointer">the header's Urgent Pointer, meaningful when <see cref="TcpFlags.Urg"/> is set</param>
    /// <param name="wire">the whole TCP header and payload as sent, for <see cref="TcpChecksum"/>; empty when the capture cut the segment short</param>
    public TcpSegment(long timestampTicks, Endpoint source, Endpoint destination,
        uint sequence, uint acknowledgment, TcpFlags flags, ReadOnlySpan<byte> payload,
        ushort urgentPointer = 0, ReadOnlySpan<byte> wire = default, ulong network = VirtualNetwork.None, byte hopLimit = 0)
    {
        TimestampTicks = timestampTicks;
        Source = source;
        Destination = destination;
        Sequence = sequence;
        Acknowledgment = acknowledgment;
        Flags = flags;
        Payload = payload;
        UrgentPointer = urgentPointer;
        Wire = wire;
        Network = network;
        HopLimit = hopLimit;
    }

    /// <summary>Capture time as UTC DateTime ticks.</summary>
    public long TimestampTicks { get; }
    public Endpoint Source { get; }
    public Endpoint Destination { get; }
    public uint Sequence { get; }
    public uint Acknowledgment { get; }
    public TcpFlags Flags { get; }
    public ReadOnlySpan<byte> Payload { get; }
    public ushort UrgentPointer { get; }

    /// <summary>The TCP header and payload as captured, when whole (else empty): what the checksum covers besides the pseudo-header.</summary>
    public ReadOnlySpan<byte> Wire { get; }

    /// <summary>The VLANs and VXLAN/Geneve segments the packet came through (<see cref="VirtualNetwork"/>); part of its flow's key.</summary>
    public ulong Network { get; }

    /// <summary>The IPv4 TTL or IPv6 Hop Limit the packet arrived with (0 when not decoded from IP): what the sender's stack set, less the routers on the way.</summary>
    public byte HopLimit { get; }

    public bool Has(TcpFlags flag) => (Flags & flag) != 0;
}
