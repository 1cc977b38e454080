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

    public override string ToString() => ToIPAddress().ToString();
}

/// <summary>An address and TCP port; prints as "ip:port" or "[v6]:port" (DESIGN.md).</summary>
public readonly record struct Endpoint(NetAddress Address, ushort Port)
{
    public override string ToString() =>
        Address.IsV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    public static Endpoint Parse(string text)
    {
        var ep = IPEndPoint.Parse(text);
        return new Endpoint(NetAddress.FromIPAddress(ep.Address), (ushort)ep.Port);
    }
}
