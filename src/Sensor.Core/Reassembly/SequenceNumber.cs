namespace Sensor.Core.Reassembly;

/// <summary>
/// Serial-number arithmetic on 32-bit TCP sequence numbers (RFC 1982, RFC 9293 §3.4): comparisons
/// are made on the signed distance, so a stream that wraps past 2^32 keeps its order.
/// </summary>
internal static class SequenceNumber
{
    public static bool Before(uint a, uint b) => (int)(a - b) < 0;
    public static bool AtOrBefore(uint a, uint b) => (int)(a - b) <= 0;
    public static bool After(uint a, uint b) => (int)(a - b) > 0;
    public static uint Max(uint a, uint b) => After(a, b) ? a : b;
}
