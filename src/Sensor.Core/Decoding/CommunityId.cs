using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sensor.Core.Decoding;

/// <summary>
/// The Community ID flow hash, version 1 (corelight/community-id-spec): the same string for a flow in
/// Zeek, Suricata, Elastic and this sensor, so a SOC can join their records. Both directions hash
/// alike: the smaller (address, port) goes first. Made once per session, never per packet.
/// </summary>
public static class CommunityId
{
    public const byte Tcp = 6;

    /// <summary>The flow's ID with the default seed 0, as "1:" + base64(SHA-1).</summary>
    public static string ForTcp(Endpoint client, Endpoint server) => Compute(client, server, Tcp, seed: 0);

    /// <summary>
    /// The spec's hash input: seed (2 bytes), source address, destination address, protocol, one
    /// byte of padding, source port, destination port, all in network order. Ports are left out for
    /// protocols without them (<paramref name="hasPorts"/> false).
    /// </summary>
    public static string Compute(Endpoint a, Endpoint b, byte protocol, ushort seed, bool hasPorts = true)
    {
        if (a.Address.IsV6 != b.Address.IsV6)
            throw new ArgumentException("both addresses must be of one family");
        if (IsGreater(a, b, hasPorts))
            (a, b) = (b, a);
        int addressBytes = a.Address.IsV6 ? 16 : 4;
        Span<byte> input = stackalloc byte[2 + 2 * addressBytes + 2 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(input, seed);
        WriteAddress(input.Slice(2, addressBytes), a.Address);
        WriteAddress(input.Slice(2 + addressBytes, addressBytes), b.Address);
        int at = 2 + 2 * addressBytes;
        input[at] = protocol;
        input[at + 1] = 0;
        int length = at + 2;
        if (hasPorts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(input[length..], a.Port);
            BinaryPrimitives.WriteUInt16BigEndian(input[(length + 2)..], b.Port);
            length += 4;
        }
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..length], hash);
        return "1:" + Convert.ToBase64String(hash);
    }

    /// <summary>The spec orders by address, then (equal addresses) by port.</summary>
    private static bool IsGreater(Endpoint a, Endpoint b, bool hasPorts)
    {
        int byAddress = a.Address.Value.CompareTo(b.Address.Value);
        return byAddress > 0 || (byAddress == 0 && hasPorts && a.Port > b.Port);
    }

    private static void WriteAddress(Span<byte> into, NetAddress address)
    {
        if (address.IsV6)
            BinaryPrimitives.WriteUInt128BigEndian(into, address.Value);
        else
            BinaryPrimitives.WriteUInt32BigEndian(into, (uint)address.Value);
    }
}
