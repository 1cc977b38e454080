using System.CommandLine;
using System.CommandLine.Invocation;

namespace Sensor.Cli;

/// <summary>
/// A command line System.CommandLine could not read, said in one line: the first word it did not know, with its
/// own typo corrections ("did you mean"), or else its first error.
/// </summary>
public static class ParseErrorLine
{
    public static string For(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var help = $"see '{Path(parsed.CommandResult)} --help'";
        if (parsed.UnmatchedTokens.Count > 0)
        {
            var word = parsed.UnmatchedTokens[0];
            var what = word.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            var suggestions = TypoCorrections(parsed, word);
            return suggestions.Count == 0
                ? $"unknown {what} '{word}' ({help})"
                : $"unknown {what} '{word}' (did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?)";
        }
        var message = parsed.Errors[0].Message;
        // System.CommandLine's own messages are sentences ("Option '--name' is required."); the sensor's say which option and value
        return message.EndsWith('.') ? $"{char.ToLowerInvariant(message[0])}{message[1..^1]} ({help})" : message;
    }

    /// <summary>
    /// The names System.CommandLine suggests for <paramref name="word"/>: its parse error action writes, for each unknown
    /// word, a heading and then the nearest names of the command's options and subcommands, one a line. Only names of the
    /// same kind are kept (an option for an option, a verb for a verb).
    /// </summary>
    private static List<string> TypoCorrections(ParseResult parsed, string word)
    {
        if (parsed.Action is not ParseErrorAction action)
            return [];
        action.ShowHelp = false;
        action.ShowTypoCorrections = true;
        var output = new StringWriter();
        parsed.Invoke(new InvocationConfiguration { Output = output, Error = TextWriter.Null });
        var names = parsed.CommandResult.Command.Children.SelectMany(Names).ToHashSet();
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // after "--" a known option is a word like any other: it is not its own correction
        return lines.Skip(1).TakeWhile(names.Contains).Where(name => name.StartsWith('-') == word.StartsWith('-') && name != word).ToList();
    }

    private static IEnumerable<string> Names(Symbol symbol) => symbol switch
    {
        Option option => [option.Name, .. option.Aliases],
        Command command => [command.Name, .. command.Aliases],
        _ => [],
    };

    /// <summary>"sensor rules check": the words of the command that was being read.</summary>
    private static string Path(System.CommandLine.Parsing.CommandResult result) =>
        result.Parent is System.CommandLine.Parsing.CommandResult parent ? $"{Path(parent)} {result.Command.Name}" : "sensor";
}
