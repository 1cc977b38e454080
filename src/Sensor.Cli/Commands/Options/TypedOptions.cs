using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Sensor.Core.Detection;

namespace Sensor.Cli.Commands.Options;

/// <summary>
/// Options whose value is more than a string, parsed and checked by System.CommandLine as it reads the command line:
/// a bad value is a parse error naming the option and the value ("--since takes a positive duration like 7d, ...,
/// not 'soon'"), reported as one line before the verb starts.
/// </summary>
public static class TypedOptions
{
    /// <summary>The longest duration an option takes: ten years.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(3650);

    /// <summary>A positive <see cref="Cli.Duration"/> ("90s", "5m", "1h30m", "7d"), at most ten years.</summary>
    public static Option<TimeSpan?> Duration(string name, string description) =>
        Parsed<TimeSpan>(name, description, "DURATION",
            text => Cli.Duration.TryParse(text, out var value) && value > TimeSpan.Zero && value <= MaxDuration ? value : null,
            text => $"{name} takes a positive duration like 7d, 12h, 1h30m or 90s, not '{text}'");

    /// <summary>A number of seconds above 0 and at most <paramref name="max"/>, fractions allowed ("2.5").</summary>
    public static Option<TimeSpan?> Seconds(string name, string description, TimeSpan max) =>
        Parsed<TimeSpan>(name, description, "SECONDS",
            text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= max.TotalSeconds
                ? TimeSpan.FromSeconds(seconds) : null,
            text => $"{name} takes a number of seconds above 0 (at most {max.TotalSeconds:0}), not '{text}'");

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int?> Count(string name, string description, int min, int max) =>
        Parsed(name, description, "N",
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : (int?)null,
            text => $"{name} takes a whole number from {min} to {max}, not '{text}'");

    /// <summary>A finding severity: info, low, medium or high.</summary>
    public static Option<Severity?> Severity(string name, string description)
    {
        var option = Parsed(name, description, "SEVERITY",
            text => SeverityNames.TryParse(text, out var severity) ? severity : (Severity?)null,
            text => $"{name} takes info, low, medium or high, not '{text}'");
        return option.Choices("info", "low", "medium", "high");
    }

    /// <summary>
    /// An option of type <typeparamref name="T"/>: <paramref name="parse"/> gives the value of the text, or null when
    /// it has none, and then <paramref name="error"/> is the parse error.
    /// </summary>
    public static Option<T?> Parsed<T>(string name, string description, string helpName, Func<string, T?> parse, Func<string, string> error)
        where T : struct =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (parse(text) is { } value)
                    return value;
                result.AddError(error(text));
                return null;
            },
        };

    /// <summary>The values the shell completions offer for <paramref name="option"/> (these alone: not an enum's type names).</summary>
    public static Option<T> Choices<T>(this Option<T> option, params string[] choices)
    {
        option.CompletionSources.Clear();
        option.CompletionSources.Add(choices);
        return option;
    }

    /// <summary>Checks each value given to <paramref name="option"/>: <paramref name="problem"/> is its parse error, or null when it is good.</summary>
    public static Option<T> Checked<T>(this Option<T> option, Func<string, string?> problem)
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (problem(token.Value) is { } error)
                    result.AddError(error);
        });
        return option;
    }

    /// <summary>
    /// An argument that takes the words up to the first that looks like an option (starts with '-', is not '-' alone
    /// and names no file): that one and the rest are left unmatched, so a mistyped option is reported as one, with
    /// System.CommandLine's suggestions, instead of being read as a file or a target.
    /// </summary>
    public static Argument<string[]> UpToOptions(string name, string description, ArgumentArity arity) =>
        new(name)
        {
            Arity = arity,
            Description = description,
            CustomParser = result =>
            {
                var words = result.Tokens.Select(t => t.Value).TakeWhile(word => !LooksLikeOption(word)).ToArray();
                if (words.Length < result.Tokens.Count)
                    result.OnlyTake(words.Length);
                return words;
            },
        };

    private static bool LooksLikeOption(string word) => word.Length > 1 && word[0] == '-' && !File.Exists(word);
}
