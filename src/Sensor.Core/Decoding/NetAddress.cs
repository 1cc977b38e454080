using System.Buffers.Binary;
using System.Net;

namespace Sensor.Core.Decoding;

/// <summary>An IPv4 or IPv6 address held by value, so the packet path never allocates an IPAddress.</summary>
public readonly record struct NetAddress(UInt128 Value, bool IsV6)
{
    public static NetAddress FromV4(ReadOnlySpan<byte> fourBytes) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(fourBytes), false);

    public static NetAddress FromV6(ReadOnlySpan<byte> sixteenBytes) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(sixteenBytes), true);

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
        uint v = (uint)Value;
        return string.Create(null, stackalloc char[15], $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}");
    }
}

/// <summary>An address and TCP port; prints as "ip:port" or "[v6]:port" (DESIGN.md).</summary>
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
