using System.CommandLine;
using System.Text;

namespace Sensor.Cli.Documentation;

/// <summary>
/// The bash completion of `sensor`, made from the command tree: a static script that needs nothing else installed.
/// It completes verbs, each verb's options, the fixed values of an option (--fail-on, --proto), and files where a
/// file or a directory is asked for. deploy/completions/sensor.bash is its output (scripts/generate-docs.sh).
/// </summary>
public static class BashCompletion
{
    public static string Render(RootCommand root)
    {
        var script = new StringBuilder();
        script.Append(Header);
        // the tree as three lookups of the verb path ("sensor rules"): its sub-verbs, its options, what an option takes
        Case(script, "_sensor_verbs", "$1", Nodes(root).Where(n => n.Command.Subcommands.Any(c => !c.Hidden))
            .Select(n => (new[] { n.Path }, $"echo '{string.Join(' ', n.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}'")));
        Case(script, "_sensor_options", "$1", Nodes(root)
            .Select(n => (new[] { n.Path }, $"echo '{string.Join(' ', OptionNames(n.Command, n.Path == "sensor"))}'")));
        Case(script, "_sensor_value", "$1|$2", Values(root), "echo none");
        script.Append(Main);
        return script.ToString();
    }

    private static IEnumerable<(string Path, Command Command)> Nodes(RootCommand root) =>
        [("sensor", root), .. CommandTree.Verbs(root).Select(v => ($"sensor {v.Path}", v.Command))];

    private static IEnumerable<string> OptionNames(Command command, bool isRoot) =>
        [.. CommandTree.Options(command).SelectMany(CommandTree.Names), .. CommandTree.HelpNames, .. isRoot ? [CommandTree.VersionName] : Array.Empty<string>()];

    /// <summary>"file", "dir", "text" (anything: nothing to offer) or "words A B C" for each option that takes a value, and for a verb's arguments ("PATH|").</summary>
    private static IEnumerable<(string[] Keys, string Body)> Values(RootCommand root)
    {
        foreach (var (path, command) in Nodes(root))
        {
            foreach (var option in CommandTree.Options(command))
                if (CommandTree.Value(option) is { } value)
                    yield return (CommandTree.Names(option).Select(n => $"{path}|{n}").ToArray(), $"echo '{Kind(value)}'");
            if (CommandTree.Arguments(command).Any(CommandTree.NamesFiles))
                yield return (new[] { $"{path}|" }, "echo file");
        }
    }

    private static string Kind(OptionValue value) =>
        value.Choices.Count > 0 ? $"words {string.Join(' ', value.Choices)}" : value.IsDirectory ? "dir" : value.IsFile ? "file" : "text";

    private static void Case(StringBuilder script, string function, string subject, IEnumerable<(string[] Keys, string Body)> arms, string? otherwise = null)
    {
        script.Append($"{function}()\n{{\n    case \"{subject}\" in\n");
        foreach (var (keys, body) in arms)
            script.Append($"        {string.Join('|', keys.Select(k => $"'{k}'"))}) {body} ;;\n");
        if (otherwise is not null)
            script.Append($"        *) {otherwise} ;;\n");
        script.Append("    esac\n}\n\n");
    }

    private const string Header = """
        # bash completion for sensor(1): verbs, options, option values and files.
        # Generated from the command tree (scripts/generate-docs.sh); do not edit.

        """;

    private const string Main = """
        _sensor()
        {
            local cur=${COMP_WORDS[COMP_CWORD]} prev= node=sensor word value i
            (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
            # the verb path so far; an option's value is never a verb
            for (( i = 1; i < COMP_CWORD; i++ )); do
                word=${COMP_WORDS[i]}
                if [[ $word == -* ]]; then
                    [[ $(_sensor_value "$node" "$word") != none ]] && (( i++ ))
                elif [[ " $(_sensor_verbs "$node") " == *" $word "* ]]; then
                    node="$node $word"
                fi
            done
            if [[ $prev == -* ]]; then
                value=$(_sensor_value "$node" "$prev")
                case $value in
                    file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                    dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
                    text) COMPREPLY=(); return ;;
                    words\ *) COMPREPLY=($(compgen -W "${value#words }" -- "$cur")); return ;;
                esac
            fi
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$(_sensor_options "$node")" -- "$cur"))
            elif [[ -n $(_sensor_verbs "$node") ]]; then
                COMPREPLY=($(compgen -W "$(_sensor_verbs "$node")" -- "$cur"))
            elif [[ $(_sensor_value "$node" "") == file ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
            else
                COMPREPLY=()
            fi
        }

        complete -o filenames -F _sensor sensor

        """;
}
