using System.Buffers.Binary;
using System.Net;

namespace Sensor.Core.Decoding;

/// <summary>
/// An IPv4 or IPv6 address held by value, so the packet path never allocates an IPAddress. Held as two
/// 64-bit halves, not a UInt128, whose 16-byte alignment made an address 32 bytes and an
/// <see cref="Endpoint"/> 48: every decoded segment carries two endpoints and every packet's flow key
/// is made from them (bench/README.md, section 3).
/// </summary>
public readonly record struct NetAddress
{
    public NetAddress(UInt128 value, bool isV6) : this((ulong)(value >> 64), (ulong)value, isV6) { }

    private NetAddress(ulong upper, ulong lower, bool isV6)
    {
        Upper = upper;
        Lower = lower;
        IsV6 = isV6;
    }

    public UInt128 Value => new(Upper, Lower);
    public bool IsV6 { get; }

    /// <summary>The address's upper 64 bits (0 for IPv4).</summary>
    internal ulong Upper { get; }

    /// <summary>The address's lower 64 bits (an IPv4 address in the low 32).</summary>
    internal ulong Lower { get; }

    public static NetAddress FromV4(ReadOnlySpan<byte> fourBytes) =>
        new(0, BinaryPrimitives.ReadUInt32BigEndian(fourBytes), false);

    public static NetAddress FromV6(ReadOnlySpan<byte> sixteenBytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(sixteenBytes), BinaryPrimitives.ReadUInt64BigEndian(sixteenBytes[8..]), true);

    public static NetAddress FromIPAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        return written == 4 ? FromV4(bytes[..4]) : FromV6(bytes);
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return IsV6 ? new IPAddress(bytes) : new IPAddress(bytes[12..]);
    }

    /// <summary>Dotted quad for IPv4 without going through IPAddress (this runs once per record); IPAddress's RFC 5952 form for IPv6.</summary>
    public override string ToString()
    {
        if (IsV6)
            return ToIPAddress().ToString();
        uint v = (uint)Lower;
        return string.Create(null, stackalloc char[15], $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}");
    }
}

/// <summary>An address and TCP port; prints as "ip:port" or "[v6]:port" (docs/output.md).</summary>
public readonly record struct Endpoint(NetAddress Address, ushort Port)
{
    public override string ToString() =>
        Address.IsV6 ? $"[{Address}]:{Port}" : string.Create(null, stackalloc char[21], $"{Address}:{Port}");

    public static Endpoint Parse(string text)
    {
        var ep = IPEndPoint.Parse(text);
        return new Endpoint(NetAddress.FromIPAddress(ep.Address), (ushort)ep.Port);
    }
}
