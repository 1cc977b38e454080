using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Sensor.Core.Decoding;

namespace Sensor.Core.Sessions;

/// <summary>
/// Session and finding ids derived from what identifies them (endpoints and first packet time), so
/// replaying the same capture twice yields the same ids and the store updates rather than
/// duplicates. XxHash64 is stable across processes and cheap; the ids name records, they protect nothing.
/// </summary>
public static class SessionId
{
    public static string For(Endpoint client, Endpoint server, long startTicks)
    {
        Span<byte> key = stackalloc byte[2 * 19 + 8];
        Write(key, client);
        Write(key[19..], server);
        BinaryPrimitives.WriteInt64LittleEndian(key[38..], startTicks);
        return XxHash64.HashToUInt64(key).ToString("x16");
    }

    /// <summary>A finding's id: stable for the same finding in the same session across runs.</summary>
    public static string ForFinding(string sessionId, string kind, string? variant, long ticks, string? user) =>
        Hash($"{sessionId}|{kind}|{variant}|{ticks}|{user}");

    private static void Write(Span<byte> target, Endpoint endpoint)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(target, endpoint.Address.Value);
        target[16] = endpoint.Address.IsV6 ? (byte)6 : (byte)4;
        BinaryPrimitives.WriteUInt16LittleEndian(target[17..], endpoint.Port);
    }

    /// <summary>Hashes the UTF-16 code units as they are (little-endian on every platform .NET runs on).</summary>
    private static string Hash(string text) =>
        XxHash64.HashToUInt64(MemoryMarshal.AsBytes(text.AsSpan())).ToString("x16");
}
