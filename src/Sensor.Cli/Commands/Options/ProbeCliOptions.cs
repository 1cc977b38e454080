using System.CommandLine;
using System.Net;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Cli.Commands.Options;

/// <summary>The probing options that `probe`, `fieldtest` and `survey` share, parsed the same way with the same messages.</summary>
public static class ProbeCliOptions
{
    /// <summary>The longest step --timeout allows.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromHours(1);

    public static Option<TimeSpan?> Timeout(string description) => TypedOptions.Seconds("--timeout", description, MaxStep);

    public static Option<ProbeSelection?> Proto(string description)
    {
        var option = TypedOptions.Parsed("--proto", description, "PROTO",
            text => ProbeTarget.TryParseSelection(text, out var selection) ? selection : (ProbeSelection?)null,
            text => $"--proto takes smtp, submission, imap, pop3 or all, not '{text}'");
        return option.Choices([.. Enum.GetValues<ProbeSelection>().Select(Text)]);
    }

    /// <summary>The DNS resolver to ask: IP, IP:PORT or [IPv6]:PORT.</summary>
    public static Option<IPEndPoint?> Resolver(string description) =>
        new("--resolver")
        {
            Description = description,
            HelpName = "IP[:PORT]",
            CustomParser = result =>
            {
                try
                {
                    return MailDns.ParseResolver(result.Tokens[0].Value);
                }
                catch (FormatException e)
                {
                    result.AddError(e.Message);
                    return null;
                }
            },
        };

    /// <summary>--attempts: connections made to each address, one after another (1 to <see cref="ProbeOptions.MaxAttempts"/>).</summary>
    public static Option<int?> Attempts(string description) =>
        TypedOptions.Count("--attempts", $"connections made to each address, one after another, each kept in the record's attempts (1 to {ProbeOptions.MaxAttempts}; default 1): {description}", 1, ProbeOptions.MaxAttempts);

    /// <summary>The name of a vantage point: 1 to 64 printable characters.</summary>
    public static Option<string?> Vantage(string name, string description) =>
        new Option<string?>(name) { Description = description, HelpName = "NAME" }
            .Checked(text => IsValidVantage(text) ? null : $"{name} takes a name of 1 to 64 printable characters");

    public static bool IsValidVantage(string name) => name.Length is > 0 and <= 64 && !name.Any(char.IsControl);

    /// <summary>The probe options of these values over <paramref name="defaults"/>.</summary>
    public static ProbeOptions Apply(ProbeOptions defaults, TimeSpan? step, IPEndPoint? resolver)
    {
        var options = step is { } timeout ? ProbeOptions.WithStepTimeout(timeout) : defaults;
        return resolver is null ? options : options with { Resolver = resolver };
    }

    /// <summary>A selection as --proto spells it (and as an agent's request carries it).</summary>
    public static string Text(ProbeSelection selection) => selection.ToString().ToLowerInvariant();
}
