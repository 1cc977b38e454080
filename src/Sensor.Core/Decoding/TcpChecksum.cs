using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sensor.Core.Decoding;

/// <summary>What a segment's checksum says.</summary>
public enum ChecksumResult : byte
{
    /// <summary>The capture cut the segment short (or it was made without its wire bytes): nothing to check.</summary>
    Unknown,
    Good,
    Bad,
}

/// <summary>
/// The TCP checksum (RFC 9293 §3.1): the 16-bit one's complement of the one's complement sum of a
/// pseudo-header (RFC 9293 §3.1 for IPv4: source, destination, zero, protocol, TCP length; RFC 8200
/// §8.1 for IPv6: source, destination, upper-layer length, zero, next header) and the whole segment.
/// A segment that sums to all ones with its checksum field included is intact (RFC 1071 §1).
/// Pure; it reads the segment's bytes once, eight at a time.
/// </summary>
public static class TcpChecksum
{
    private const uint ProtocolTcp = 6;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ChecksumResult Verify(in TcpSegment segment)
    {
        var wire = segment.Wire;
        if (wire.IsEmpty)
            return ChecksumResult.Unknown;
        ulong sum = PseudoHeaderSum(segment.Source.Address, segment.Destination.Address, (uint)wire.Length) + WireSum(wire);
        return Fold(sum) == 0xFFFF ? ChecksumResult.Good : ChecksumResult.Bad;
    }

    /// <summary>The pseudo-header as a sum of 16-bit words in network order (IPv4 and IPv6 alike: the addresses' words, the length, the protocol).</summary>
    private static ulong PseudoHeaderSum(in NetAddress source, in NetAddress destination, uint tcpLength) =>
        WordsOf(source.Upper) + WordsOf(source.Lower) + WordsOf(destination.Upper) + WordsOf(destination.Lower)
        + (tcpLength >> 16) + (tcpLength & 0xFFFF) + ProtocolTcp;

    private static ulong WordsOf(ulong value) =>
        (value >> 48) + ((value >> 32) & 0xFFFF) + ((value >> 16) & 0xFFFF) + (value & 0xFFFF);

    /// <summary>
    /// The bytes as 16-bit big-endian words. One's complement addition is the same in either byte order
    /// (RFC 1071 §2(B)): the bytes are summed as native 32-bit values into 64-bit accumulators (no carry
    /// can be lost below 2^32 of them), folded, and swapped once at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong WireSum(ReadOnlySpan<byte> bytes)
    {
        ulong sum = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && bytes.Length >= 64)
        {
            // 32 bytes a step, as eight 32-bit halves widened into four 64-bit lanes each (measured: bench/README.md, "Checksums").
            var low = Vector256<ulong>.Zero;
            var high = Vector256<ulong>.Zero;
            for (; i + 32 <= bytes.Length; i += 32)
            {
                var (l, h) = Vector256.Widen(Vector256.Create<uint>(MemoryMarshal.Cast<byte, uint>(bytes.Slice(i, 32))));
                low += l;
                high += h;
            }
            sum = Vector256.Sum(low) + Vector256.Sum(high);
        }
        var words = MemoryMarshal.Cast<byte, ulong>(bytes[i..]);
        foreach (ulong word in words)
            sum += (word >> 32) + (uint)word;
        i += words.Length * 8;
        for (; i + 1 < bytes.Length; i += 2)
            sum += MemoryMarshal.Read<ushort>(bytes[i..]);
        if (i < bytes.Length)
            sum += BitConverter.IsLittleEndian ? bytes[i] : (ulong)bytes[i] << 8; // the odd last byte is padded with zero (RFC 9293 §3.1)
        uint folded = Fold(sum);
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness((ushort)folded) : folded;
    }

    private static uint Fold(ulong sum)
    {
        while (sum > 0xFFFF)
            sum = (sum >> 16) + (sum & 0xFFFF);
        return (uint)sum;
    }
}
