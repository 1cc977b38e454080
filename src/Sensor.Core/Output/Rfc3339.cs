using System.Globalization;

namespace Sensor.Core.Output;

/// <summary>Times as RFC 3339 UTC with microseconds, the precision of most captures.</summary>
public static class Rfc3339
{
    public static string Format(long utcTicks) =>
        new DateTime(utcTicks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Format(DateTime time) => Format(time.ToUniversalTime().Ticks);
}
