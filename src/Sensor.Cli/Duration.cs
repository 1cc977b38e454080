using System.Globalization;
using System.Text.RegularExpressions;

namespace Sensor.Cli;

/// <summary>
/// The one way a duration is written, on the command line and in the config file alike: numbers with a
/// unit, largest first or not, summed: "90s", "5m", "1h30m", "7d", "1.5h", "250ms"; "0" is no time.
/// The [d.]hh:mm:ss form of earlier config files ("00:05:00", "1.00:00:00") is read too.
/// </summary>
public static partial class Duration
{
    public const string Example = "a duration like 90s, 5m, 1h30m or 7d";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return false;
        if (text == "0")
            return true;
        if (text.Contains(':'))
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value);
        var parts = Parts().Matches(text);
        if (parts.Count == 0 || parts.Sum(p => p.Length) != text.Length)
            return false;
        double milliseconds = 0;
        foreach (Match part in parts)
            milliseconds += double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture) * Unit(part.Groups[2].Value);
        if (!(milliseconds <= TimeSpan.MaxValue.TotalMilliseconds))
            return false;
        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    private static double Unit(string unit) => unit switch
    {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => 86_400_000,  // "d"
    };

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|d|h|m|s)", RegexOptions.CultureInvariant)]
    private static partial Regex Parts();
}
