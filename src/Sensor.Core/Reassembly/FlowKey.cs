using System.Runtime.CompilerServices;
using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// The 4-tuple in canonical order (lower endpoint first), so both directions of a connection find the
/// same entry. The hash mixes all fields with <see cref="HashCode"/>, which is seeded per process so a
/// sender cannot precompute colliding tuples to slow the table down.
/// </summary>
public readonly struct FlowKey : IEquatable<FlowKey>
{
    private readonly Endpoint _low;
    private readonly Endpoint _high;

    private FlowKey(Endpoint low, Endpoint high)
    {
        _low = low;
        _high = high;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FlowKey From(Endpoint a, Endpoint b) => IsLower(a, b) ? new(a, b) : new(b, a);

    private static bool IsLower(Endpoint a, Endpoint b)
    {
        if (a.Address.Value != b.Address.Value)
            return a.Address.Value < b.Address.Value;
        if (a.Address.IsV6 != b.Address.IsV6)
            return !a.Address.IsV6;
        return a.Port <= b.Port;
    }

    // Fully optimised from the first call (see FlowTable.Process): unoptimised, the chain of record-struct
    // equality calls under it ran for a good part of a replay.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Equals(FlowKey other) => _low == other._low && _high == other._high;
    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int GetHashCode() => HashCode.Combine(_low.Address.Value, _low.Port, _high.Address.Value, _high.Port);
    public override string ToString() => $"{_low} <-> {_high}";
}
