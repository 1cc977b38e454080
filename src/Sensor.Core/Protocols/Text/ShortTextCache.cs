using System.Text;

namespace Sensor.Core.Protocols.Text;

/// <summary>
/// One string per distinct short ASCII text, per thread: capability words, reply lines, banners and
/// statuses repeat in every session of a server, and making a new string for each was most of what
/// a replay allocated (186 MB of strings for 58,830 sessions on the benchmark capture). A fixed
/// table of slot pairs indexed by a per-process seeded hash of the bytes: a collision only costs a new
/// string, so memory stays bounded (about 1 MB a thread) and hostile text cannot slow it down.
/// </summary>
internal static class ShortTextCache
{
    public const int MaxBytes = 128;
    private const int Slots = 4096;

    [ThreadStatic]
    private static string?[]? t_slots;

    /// <summary>
    /// The string of <paramref name="ascii"/> (at most <see cref="MaxBytes"/> ASCII bytes). Each hash picks a pair
    /// of slots, the more recent first: two texts of one session whose hashes meet (the seed differs from process
    /// to process) still both hit, so a session's steady state allocates nothing whatever the seed.
    /// </summary>
    public static string Get(ReadOnlySpan<byte> ascii)
    {
        var slots = t_slots ??= new string?[Slots];
        var hash = new HashCode();
        hash.AddBytes(ascii);
        int first = hash.ToHashCode() & (Slots - 2);
        if (slots[first] is { } recent && System.Text.Ascii.Equals(ascii, recent))
            return recent;
        if (slots[first + 1] is { } older && System.Text.Ascii.Equals(ascii, older))
        {
            (slots[first], slots[first + 1]) = (older, slots[first]);
            return older;
        }
        slots[first + 1] = slots[first];
        return slots[first] = Encoding.ASCII.GetString(ascii);
    }
}
