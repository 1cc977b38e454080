using System.Globalization;
using Sensor.Core.Probing;

namespace Sensor.Cli.Commands;

/// <summary>The probing options that `probe`, `fieldtest` and `survey` share, read the same way with the same messages.</summary>
internal static class ProbeOptionText
{
    public static ProbeOptions Read(string? timeoutText, string? resolverText, ProbeOptions defaults)
    {
        var options = defaults;
        if (timeoutText is not null)
        {
            if (!double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > 3600)
                throw new UsageException($"--timeout takes a number of seconds above 0 (at most 3600), not '{timeoutText}'");
            options = ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(seconds));
        }
        if (resolverText is null)
            return options;
        try
        {
            return options with { Resolver = Sensor.Core.Probing.Dns.MailDns.ParseResolver(resolverText) };
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public static ProbeSelection? Selection(string? protoText) =>
        protoText is null ? null
        : ProbeTarget.TryParseSelection(protoText, out var selection) ? selection
        : throw new UsageException($"--proto takes smtp, submission, imap, pop3 or all, not '{protoText}'");

    /// <summary>A vantage name as given, or the default; 1 to 64 printable characters.</summary>
    public static string Vantage(string? text, string fallback = "local")
    {
        var vantage = text ?? fallback;
        if (!IsValidVantage(vantage))
            throw new UsageException("--vantage takes a name of 1 to 64 printable characters");
        return vantage;
    }

    public static bool IsValidVantage(string name) => name.Length is > 0 and <= 64 && !name.Any(char.IsControl);
}
