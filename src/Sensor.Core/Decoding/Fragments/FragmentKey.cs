namespace Sensor.Core.Decoding.Fragments;

/// <summary>
/// What makes fragments parts of one datagram: source, destination, protocol and Identification for
/// IPv4 (RFC 791 §3.2); source, destination and the 32-bit Identification for IPv6 (RFC 8200 §4.5,
/// where the protocol is 0: later fragments do not say what they carry).
/// </summary>
internal readonly struct FragmentKey(NetAddress source, NetAddress destination, uint identification, byte protocol)
    : IEquatable<FragmentKey>
{
    public NetAddress Source { get; } = source;
    public NetAddress Destination { get; } = destination;
    public uint Identification { get; } = identification;
    public byte Protocol { get; } = protocol;

    public bool IsV6 => Source.IsV6;

    public bool Equals(FragmentKey other) =>
        Identification == other.Identification && Protocol == other.Protocol &&
        Source == other.Source && Destination == other.Destination;

    public override bool Equals(object? obj) => obj is FragmentKey other && Equals(other);

    // HashCode is seeded per process: a sender cannot choose identifications that collide in the table.
    public override int GetHashCode() =>
        HashCode.Combine(Source.Upper, Source.Lower, Destination.Upper, Destination.Lower, Identification, Protocol);
}
