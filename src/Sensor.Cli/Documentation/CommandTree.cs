using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;

namespace Sensor.Cli.Documentation;

/// <summary>
/// The visible parts of the command tree as the man page and the shell completions list them: verbs with their
/// paths, options with their names and the kind of value they take.
/// </summary>
public static class CommandTree
{
    /// <summary>Every visible verb, parents before their sub-verbs, in the order the tree declares them; Path is "rules check".</summary>
    public static IEnumerable<(string Path, Command Command)> Verbs(Command parent, string prefix = "")
    {
        foreach (var command in parent.Subcommands.Where(c => !c.Hidden))
        {
            var path = prefix.Length == 0 ? command.Name : $"{prefix} {command.Name}";
            yield return (path, command);
            foreach (var sub in Verbs(command, path))
                yield return sub;
        }
    }

    /// <summary>A verb's own visible options, --help and --version left out (every verb has --help; see <see cref="HelpNames"/>).</summary>
    public static IEnumerable<Option> Options(Command command) =>
        command.Options.Where(o => !o.Hidden && o is not HelpOption and not VersionOption);

    public static IEnumerable<Argument> Arguments(Command command) => command.Arguments.Where(a => !a.Hidden);

    /// <summary>The names of an option as typed: the short ones first ("-v", "--verbose"); Windows-style "/h" and the "-?" glob character left out.</summary>
    public static IReadOnlyList<string> Names(Option option) =>
        [.. new[] { option.Name }.Concat(option.Aliases).Where(n => n.StartsWith('-') && !n.Contains('?')).Distinct().OrderBy(n => n.StartsWith("--") ? 1 : 0)];

    /// <summary>The names of the help option every verb has.</summary>
    public static readonly IReadOnlyList<string> HelpNames = ["-h", "--help"];

    public const string HelpDescription = "show the help of sensor or of the verb, with every option";
    public const string VersionName = "--version";
    public const string VersionDescription = "print the version";

    /// <summary>What an option takes after it: nothing (a switch), or a value with a name, perhaps from a fixed list, perhaps a path.</summary>
    public static OptionValue? Value(Option option)
    {
        if (option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0)
            return null;
        var name = option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant();
        return new OptionValue(name, [.. option.GetCompletions(CompletionContext.Empty).Select(c => c.Label)], Repeatable: option.Arity.MaximumNumberOfValues > 1);
    }

    /// <summary>Whether an argument names files (replay's captures, import's records, survey's list, the rule file to check).</summary>
    public static bool NamesFiles(Argument argument) => argument.Name is "file" or "files";

    /// <summary>"files..." for an argument that takes several, else its name.</summary>
    public static string Synopsis(Argument argument) => argument.Arity.MaximumNumberOfValues > 1 ? $"{argument.Name}..." : argument.Name;

    /// <summary>The first clause of a description, for the completions' one-line hints.</summary>
    public static string Hint(string? description)
    {
        var text = description ?? "";
        var ends = new[] { "; ", ". ", " (" }.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i > 0).ToList();
        return ends.Count > 0 ? text[..ends.Min()] : text;
    }
}

/// <summary>The value an option takes: its name in the help (FILE, DURATION), the fixed choices if any, whether it may be given again.</summary>
public sealed record OptionValue(string Name, IReadOnlyList<string> Choices, bool Repeatable)
{
    public bool IsFile => Name == "FILE";
    public bool IsDirectory => Name == "DIR";
}
