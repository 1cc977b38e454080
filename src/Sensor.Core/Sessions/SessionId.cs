using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Decoding;

namespace Sensor.Core.Sessions;

/// <summary>
/// Session ids derived from the flow (endpoints and first packet time), so replaying the same
/// capture twice yields the same ids and the store updates rather than duplicates.
/// </summary>
public static class SessionId
{
    public static string For(Endpoint client, Endpoint server, long startTicks) =>
        Hash($"{client}|{server}|{startTicks}");

    /// <summary>A finding's id: stable for the same finding in the same session across runs.</summary>
    public static string ForFinding(string sessionId, string kind, string? variant, long ticks, string? user) =>
        Hash($"{sessionId}|{kind}|{variant}|{ticks}|{user}");

    private static string Hash(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
