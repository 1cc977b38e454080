using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace Sensor.Core.Decoding;

public sealed partial class PacketDecoder
{
    /// <summary>
    /// TCP header (RFC 9293 §3.1). <paramref name="tcp"/> already ends at the IP payload's end or at
    /// the snap length; <paramref name="capturedShort"/> tells which, so a short header is reported as
    /// truncated by the capture rather than malformed by the sender.
    /// </summary>
    // Inlined into the IP decoders: called, its two address arguments went through the stack and were
    // read back wider than they were written (a store-forwarding stall per packet, seen with perf annotate).
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult DecodeTcp(scoped in DecodeContext context, NetAddress source, NetAddress destination,
        ReadOnlySpan<byte> tcp, bool capturedShort, byte hopLimit, out TcpSegment segment)
    {
        segment = default;
        var shortResult = capturedShort ? DecodeResult.Truncated : DecodeResult.Malformed;
        if (tcp.Length < 20)
            return shortResult;
        int dataOffset = (tcp[12] >> 4) * 4;
        if (dataOffset < 20)
            return DecodeResult.Malformed;
        if (tcp.Length < dataOffset)
            return shortResult;
        segment = new TcpSegment(
            context.TimestampTicks,
            new Endpoint(source, BinaryPrimitives.ReadUInt16BigEndian(tcp)),
            new Endpoint(destination, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..])),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            (TcpFlags)(tcp[13] & 0x3F),
            tcp[dataOffset..],
            BinaryPrimitives.ReadUInt16BigEndian(tcp[18..]),
            capturedShort ? default : tcp,
            context.Network,
            hopLimit);
        return DecodeResult.Tcp;
    }
}
