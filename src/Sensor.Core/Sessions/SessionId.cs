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
    public static string For(Endpoint client, Endpoint server, long startTicks) =>
        Hash($"{client}|{server}|{startTicks}");

    /// <summary>A finding's id: stable for the same finding in the same session across runs.</summary>
    public static string ForFinding(string sessionId, string kind, string? variant, long ticks, string? user) =>
        Hash($"{sessionId}|{kind}|{variant}|{ticks}|{user}");

    /// <summary>Hashes the UTF-16 code units as they are (little-endian on every platform .NET runs on).</summary>
    private static string Hash(string text) =>
        XxHash64.HashToUInt64(MemoryMarshal.AsBytes(text.AsSpan())).ToString("x16");
}
