using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;

namespace Sensor.Cli.Documentation;

/// <summary>
/// sensor(1) in roff (man(7) macros), made from the command tree: every verb with its arguments and options as
/// the help gives them, between the prose sections written here. docs/sensor.1 is its output (scripts/generate-docs.sh).
/// </summary>
public static partial class ManPage
{
    public static string Render(RootCommand root)
    {
        var page = new StringBuilder();
        Line(page, ".TH SENSOR 1 \"\" \"sensor\" \"User Commands\"");
        Line(page, ".SH NAME");
        Line(page, @"sensor \- detect STARTTLS stripping and cleartext mail credentials");
        Line(page, ".SH SYNOPSIS");
        Line(page, @".B sensor");
        Line(page, @"\fIcommand\fR [\fIoptions\fR] [\fIarguments\fR]");
        Line(page, ".SH DESCRIPTION");
        Line(page, Escape(root.Description));
        Line(page, ".PP");
        Line(page, @"\fBsensor\fR alone prints the list of commands; \fBsensor\fR \fIcommand\fR \fB\-\-help\fR the options of one.");
        Line(page, "A mistyped command or option is named in one line on standard error, with the nearest known names.");
        Line(page, ".SH OPTIONS");
        Option(page, CommandTree.HelpNames, null, CommandTree.HelpDescription);
        Option(page, [CommandTree.VersionName], null, CommandTree.VersionDescription);
        Line(page, ".SH COMMANDS");
        foreach (var (path, command) in CommandTree.Verbs(root))
            Verb(page, path, command);
        page.Append(Prose);
        return page.ToString();
    }

    private static void Verb(StringBuilder page, string path, Command command)
    {
        Line(page, $".SS {Escape(path)}");
        Line(page, Escape(command.Description));
        Line(page, ".PP");
        var usage = new StringBuilder($@"\fBsensor {Escape(path)}\fR");
        if (command.Subcommands.Any(c => !c.Hidden))
            usage.Append(@" \fIcommand\fR");
        foreach (var argument in CommandTree.Arguments(command))
            usage.Append($@" \fI{Escape(CommandTree.Synopsis(argument))}\fR");
        if (CommandTree.Options(command).Any())
            usage.Append(@" [\fIoptions\fR]");
        Line(page, usage.ToString());
        foreach (var argument in CommandTree.Arguments(command))
        {
            Line(page, ".TP");
            Line(page, $@"\fI{Escape(CommandTree.Synopsis(argument))}\fR");
            Line(page, Escape(argument.Description));
        }
        foreach (var option in CommandTree.Options(command))
            Option(page, CommandTree.Names(option), CommandTree.Value(option), option.Description);
    }

    private static void Option(StringBuilder page, IEnumerable<string> names, OptionValue? value, string? description)
    {
        Line(page, ".TP");
        var heading = string.Join(", ", names.Select(n => $@"\fB{Escape(n)}\fR"));
        Line(page, value is null ? heading : $@"{heading} \fI{Escape(value.Name)}\fR");
        Line(page, Escape(description));
    }

    /// <summary>Text safe in roff: a backslash printed as one, '-' as the minus of an option, no line read as a request.</summary>
    public static string Escape(string? text) =>
        LineStart().Replace((text ?? "").Replace(@"\", @"\e").Replace("-", @"\-").ReplaceLineEndings(" "), @"\&$1");

    [GeneratedRegex(@"^([.'])")]
    private static partial Regex LineStart();

    private static void Line(StringBuilder page, string line) => page.Append(line).Append('\n');

    /// <summary>The sections that are not the command tree's.</summary>
    private const string Prose = """
        .SH EXIT STATUS
        .TP
        .B 0
        the command ran (whatever the probes or the capture showed)
        .TP
        .B 1
        with \fB\-\-fail\-on\fR: a finding (replay) or a verdict (fieldtest) at or above the threshold was made
        .TP
        .B 2
        bad usage or unreadable input, said in one line on standard error beginning \fBsensor: error:\fR; what was written before it is kept
        .TP
        .B 130
        stopped by Ctrl\-C (SIGINT) before the end; what was done is kept (a survey resumes where it stopped)
        .SH ENVIRONMENT
        .TP
        .B XDG_DATA_HOME
        where the default store is kept: \fI$XDG_DATA_HOME/sensor/sensor.db\fR (\fI~/.local/share/sensor/sensor.db\fR when unset)
        .TP
        .B SENSOR__\fISECTION\fB__\fIKEY\fR
        a key of the configuration of \fBsensor live\fR, over the config file and under the command line (e.g. \fBSENSOR__Sinks__Console=true\fR)
        .SH FILES
        .TP
        .I /etc/sensor/sensor.json
        configuration of \fBsensor live\fR (annotated; JSON with comments)
        .TP
        .I /var/log/sensor/events.jsonl
        session and finding records of the service, one JSON object a line
        .TP
        .I /var/lib/sensor/sensor.db
        the store of sessions, findings, probe results and server history
        .TP
        .I /usr/share/bash\-completion/completions/sensor, /usr/share/zsh/vendor\-completions/_sensor
        completion of commands, options and their values in bash and zsh, made from the same command tree as this page
        .SH SEE ALSO
        \fBsystemctl\fR(1), \fBlogrotate\fR(8), \fBpcap\fR(3PCAP); /usr/share/doc/sensor/operations.md

        """;
}
