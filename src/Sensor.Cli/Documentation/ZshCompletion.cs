using System.CommandLine;
using System.Text;

namespace Sensor.Cli.Documentation;

/// <summary>
/// The zsh completion of `sensor` (#compdef), made from the command tree: one _arguments function a verb, with each
/// option's hint, its value's fixed choices or files. deploy/completions/_sensor is its output (scripts/generate-docs.sh).
/// </summary>
public static class ZshCompletion
{
    public static string Render(RootCommand root)
    {
        var script = new StringBuilder("#compdef sensor\n# zsh completion for sensor(1): verbs, options, option values and files.\n# Generated from the command tree (scripts/generate-docs.sh); do not edit.\n\n");
        Function(script, "_sensor", root, isRoot: true);
        foreach (var (path, command) in CommandTree.Verbs(root))
            Function(script, FunctionName(path), command, isRoot: false);
        script.Append("_sensor \"$@\"\n");
        return script.ToString();
    }

    private static string FunctionName(string path) => "_sensor_" + path.Replace(' ', '_').Replace('-', '_');

    private static void Function(StringBuilder script, string name, Command command, bool isRoot)
    {
        var verbs = command.Subcommands.Where(c => !c.Hidden).ToList();
        var specs = new List<string> { $"'(- *)'{{-h,--help}}'[{Quote(CommandTree.HelpDescription)}]'" };
        if (isRoot)
            specs.Add($"'(- *)--version[{Quote(CommandTree.VersionDescription)}]'");
        specs.AddRange(CommandTree.Options(command).Select(OptionSpec));
        if (verbs.Count > 0)
            specs.AddRange(["'1:command:->verb'", "'*::argument:->argument'"]);
        else
            specs.AddRange(CommandTree.Arguments(command).Select(ArgumentSpec));
        script.Append($"{name}()\n{{\n");
        if (verbs.Count > 0)
            script.Append("    local curcontext=$curcontext state line\n    local -a verbs\n    verbs=(\n")
                .AppendJoin("", verbs.Select(v => $"        '{v.Name}:{CommandTree.Hint(v.Description).Replace("'", @"'\''")}'\n"))
                .Append("    )\n");
        script.Append($"    _arguments -s -S{(verbs.Count > 0 ? " -C" : "")} \\\n        ").AppendJoin(" \\\n        ", specs).Append('\n');
        if (verbs.Count > 0)
        {
            script.Append("    case $state in\n        verb) _describe -t commands 'sensor command' verbs ;;\n        argument)\n            case $words[1] in\n");
            foreach (var verb in verbs)
                script.Append($"                {verb.Name}) {FunctionName(Path(name, verb.Name))} ;;\n");
            script.Append("            esac ;;\n    esac\n");
        }
        script.Append("}\n\n");
    }

    /// <summary>The verb path of a sub-verb's function: "_sensor_rules" and "check" give "rules check".</summary>
    private static string Path(string function, string verb) =>
        function == "_sensor" ? verb : $"{function["_sensor_".Length..].Replace('_', ' ')} {verb}";

    private static string OptionSpec(Option option)
    {
        var names = CommandTree.Names(option);
        var value = CommandTree.Value(option);
        var repeat = value?.Repeatable == true ? "*" : "";
        var exclusion = value?.Repeatable == true || names.Count == 1 ? "" : $"'({string.Join(' ', names)})'";
        var spelled = names.Count == 1 ? repeat + names[0] : $"{repeat}{{{string.Join(',', names)}}}";
        var action = value is null ? "" : $":{Quote(value.Name)}:{Action(value)}";
        return $"{exclusion}{spelled}'[{Quote(CommandTree.Hint(option.Description))}]{action}'";
    }

    private static string ArgumentSpec(Argument argument)
    {
        var action = CommandTree.NamesFiles(argument) ? "_files" : argument.Name == "targets" ? "_hosts" : " ";
        var position = argument.Arity.MaximumNumberOfValues > 1 ? "*" : "";
        return $"'{position}:{Quote(argument.Name)}:{action}'";
    }

    private static string Action(OptionValue value) =>
        value.Choices.Count > 0 ? $"({string.Join(' ', value.Choices)})" : value.IsDirectory ? "_files -/" : value.IsFile ? "_files" : " ";

    /// <summary>Text inside a single-quoted _arguments spec: quotes closed and reopened, brackets and colons escaped.</summary>
    private static string Quote(string text) =>
        text.Replace(@"\", @"\\").Replace("'", @"'\''").Replace("[", @"\[").Replace("]", @"\]").Replace(":", @"\:");
}
