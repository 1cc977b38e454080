namespace Sensor.Core.Output;

/// <summary>Times as RFC 3339 UTC with microseconds, the precision of most captures.</summary>
public static class Rfc3339
{
    private const int Length = 27; // yyyy-MM-ddTHH:mm:ss.ffffffZ

    /// <summary>
    /// Written digit by digit: every session and finding record carries two or three times, and
    /// DateTime.ToString with a custom format cost about 6% of a replay's sessions thread.
    /// </summary>
    public static string Format(long utcTicks) =>
        string.Create(Length, new DateTime(utcTicks, DateTimeKind.Utc), static (text, time) =>
        {
            // One calendar computation for all three (each of Year, Month and Day makes its own).
            var (year, month, day) = time;
            Digits(text[..4], year);
            text[4] = '-';
            Digits(text[5..7], month);
            text[7] = '-';
            Digits(text[8..10], day);
            text[10] = 'T';
            Digits(text[11..13], time.Hour);
            text[13] = ':';
            Digits(text[14..16], time.Minute);
            text[16] = ':';
            Digits(text[17..19], time.Second);
            text[19] = '.';
            Digits(text[20..26], (int)(time.Ticks % TimeSpan.TicksPerSecond / 10));
            text[26] = 'Z';
        });

    public static string Format(DateTime time) => Format(time.ToUniversalTime().Ticks);

    /// <summary>Fills the span with the value's last digits, zero-padded.</summary>
    private static void Digits(Span<char> into, int value)
    {
        for (int i = into.Length - 1; i >= 0; i--, value /= 10)
            into[i] = (char)('0' + value % 10);
    }
}
