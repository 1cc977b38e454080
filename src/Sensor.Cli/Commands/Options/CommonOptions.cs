using System.CommandLine;

namespace Sensor.Cli.Commands.Options;

/// <summary>
/// The options that mean the same on every verb that takes them, declared once. One option object may belong to
/// several verbs: System.CommandLine keeps each parse's values apart, and the help, the man page and the completions
/// then say the same of it everywhere.
/// </summary>
public static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "log more" };
    public static readonly Option<string?> LogFile = new("--log-file") { Description = "also write operational logs to this file", HelpName = "FILE" };
    public static readonly Option<bool> ShowSecrets = new("--show-secrets") { Description = "reveal passwords and tokens in every output (forensics only; default: redacted)" };
    public static readonly Option<bool> NoProgress = new("--no-progress") { Description = "no progress bar on stderr" };

    /// <summary>Logging as --verbose and --log-file say (every verb takes both).</summary>
    public static void ConfigureLogging(ParseResult result) => Logging.Configure(result.GetValue(Verbose), result.GetValue(LogFile));

    /// <summary>--memory-budget MiB (at most 1 TiB); <paramref name="description"/> says what the verb keeps in it.</summary>
    public static Option<int?> MemoryBudget(string description) => TypedOptions.Count("--memory-budget", description, 1, 1 << 20);

    /// <summary>--json: JSON Lines on stdout; <paramref name="description"/> says which records, and instead of what.</summary>
    public static Option<bool> Json(string description) => new("--json") { Description = description };
}
