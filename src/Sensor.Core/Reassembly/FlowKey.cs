using System.Runtime.CompilerServices;
using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// The 4-tuple in canonical order (lower endpoint first), so both directions of a connection find the
/// same entry, and the virtual network it belongs to (VLAN ids, VXLAN/Geneve VNIs: <see cref="VirtualNetwork"/>),
/// so customers reusing addresses in different segments are different flows. Packed into six 64-bit words (48 bytes; two <see cref="Endpoint"/>s take 96 with
/// UInt128's alignment): every packet looks its flow up, and the table and the closed-flow memory copy
/// and compare keys, so the packed key cost less capture-thread time (bench/README.md, section 3).
/// The hash mixes every bit with <see cref="HashCode"/>, which is seeded per process so a sender cannot
/// precompute colliding tuples to slow the table down.
/// </summary>
public readonly struct FlowKey : IEquatable<FlowKey>
{
    private const int HighIsV6 = 32, LowIsV6 = 33;

    private readonly ulong _lowUpper, _lowLower, _highUpper, _highLower;
    // Low port in bits 16-31, high port in bits 0-15, and each address's IPv6 flag: an IPv4 address and
    // the IPv6 address of the same value are different endpoints.
    private readonly ulong _portsAndFamilies;
    private readonly ulong _network;

    // Inlined: a call returning the 40-byte key through memory cost FlowTable.Process a store-forwarding stall per packet.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private FlowKey(in Endpoint low, in Endpoint high, ulong network)
    {
        _network = network;
        (_lowUpper, _lowLower) = (low.Address.Upper, low.Address.Lower);
        (_highUpper, _highLower) = (high.Address.Upper, high.Address.Lower);
        _portsAndFamilies = (ulong)low.Port << 16 | high.Port
            | (low.Address.IsV6 ? 1UL << LowIsV6 : 0) | (high.Address.IsV6 ? 1UL << HighIsV6 : 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FlowKey From(in Endpoint a, in Endpoint b, ulong network) => IsLower(a, b) ? new(a, b, network) : new(b, a, network);

    /// <summary>The flow of two endpoints outside any VLAN or virtual network.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FlowKey From(in Endpoint a, in Endpoint b) => From(a, b, VirtualNetwork.None);

    /// <summary>By address (as a 128-bit number), then IPv4 before IPv6, then port.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsLower(in Endpoint a, in Endpoint b)
    {
        if (a.Address.Upper != b.Address.Upper)
            return a.Address.Upper < b.Address.Upper;
        if (a.Address.Lower != b.Address.Lower)
            return a.Address.Lower < b.Address.Lower;
        if (a.Address.IsV6 != b.Address.IsV6)
            return !a.Address.IsV6;
        return a.Port <= b.Port;
    }

    // Fully optimised from the first call (see FlowTable.Process).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Equals(FlowKey other) =>
        ((_lowLower ^ other._lowLower) | (_highLower ^ other._highLower) | (_portsAndFamilies ^ other._portsAndFamilies)
         | (_lowUpper ^ other._lowUpper) | (_highUpper ^ other._highUpper) | (_network ^ other._network)) == 0;

    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    /// <summary>
    /// Seeded xxHash32 over every significant 32-bit half of the five words: folding a word to 32 bits first
    /// (what <see cref="ulong.GetHashCode"/> does) would let a sender pick IPv6 addresses that collide whatever
    /// the seed. Two addresses that fit 32 bits (IPv4) outside a virtual network take one four-input round, the rest all twelve halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int GetHashCode()
    {
        if ((_lowUpper | _highUpper | (_lowLower >> 32) | (_highLower >> 32) | _network) == 0)
            return HashCode.Combine((uint)_lowLower, (uint)_highLower, (uint)_portsAndFamilies, (uint)(_portsAndFamilies >> 32));
        var hash = new HashCode();
        foreach (ulong word in (ReadOnlySpan<ulong>)[_lowLower, _highLower, _portsAndFamilies, _lowUpper, _highUpper, _network])
        {
            hash.Add((uint)word);
            hash.Add((uint)(word >> 32));
        }
        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"{Endpoint(_lowUpper, _lowLower, LowIsV6, 16)} <-> {Endpoint(_highUpper, _highLower, HighIsV6, 0)}" + (_network == VirtualNetwork.None ? "" : $" in 0x{_network:x}");

    private Endpoint Endpoint(ulong upper, ulong lower, int familyBit, int portShift) =>
        new(new NetAddress(new UInt128(upper, lower), (_portsAndFamilies >> familyBit & 1) != 0), (ushort)(_portsAndFamilies >> portShift));
}
