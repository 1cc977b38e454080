using System.Text;

namespace Sensor.Core.Protocols.Text;

/// <summary>
/// One string per distinct short ASCII text, per thread: capability words, reply lines, banners and
/// statuses repeat in every session of a server, and making a new string for each was most of what
/// a replay allocated (186 MB of strings for 58,830 sessions on the benchmark capture). A fixed
/// table of slots indexed by a per-process seeded hash of the bytes: a collision only costs a new
/// string, so memory stays bounded (about 1 MB a thread) and hostile text cannot slow it down.
/// </summary>
internal static class ShortTextCache
{
    public const int MaxBytes = 128;
    private const int Slots = 4096;

    [ThreadStatic]
    private static string?[]? t_slots;

    /// <summary>The string of <paramref name="ascii"/> (at most <see cref="MaxBytes"/> ASCII bytes).</summary>
    public static string Get(ReadOnlySpan<byte> ascii)
    {
        var slots = t_slots ??= new string?[Slots];
        var hash = new HashCode();
        hash.AddBytes(ascii);
        ref var slot = ref slots[hash.ToHashCode() & (Slots - 1)];
        if (slot is { } cached && System.Text.Ascii.Equals(ascii, cached))
            return cached;
        return slot = Encoding.ASCII.GetString(ascii);
    }
}
