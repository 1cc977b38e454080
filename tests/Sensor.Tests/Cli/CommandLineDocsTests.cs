using System.CommandLine;
using Sensor.Cli;
using Sensor.Cli.Documentation;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Cli;

/// <summary>
/// The man page and the bash and zsh completions are made from the live command tree: the checked-in files must be
/// what the generators make now (scripts/generate-docs.sh sets SENSOR_WRITE_DOCS=1 to write them), every verb and
/// option must be in them, and the bash completion completes for real.
/// </summary>
public class CommandLineDocsTests
{
    private static readonly RootCommand Tree = SensorCommandLine.Build();
    private static readonly string Root = Path.GetFullPath(Path.Combine(Manifest.CapturesDirectory, ".."));
    private static readonly string BashScript = Path.Combine(Root, "deploy", "completions", "sensor.bash");

    public static TheoryData<string> Files() => ["docs/sensor.1", "deploy/completions/sensor.bash", "deploy/completions/_sensor"];

    [Theory]
    [MemberData(nameof(Files))]
    public void CheckedInFile_IsWhatTheCommandTreeMakes(string name)
    {
        var made = name switch
        {
            "docs/sensor.1" => ManPage.Render(Tree),
            "deploy/completions/sensor.bash" => BashCompletion.Render(Tree),
            _ => ZshCompletion.Render(Tree),
        };
        var path = Path.Combine(Root, name);
        if (Environment.GetEnvironmentVariable("SENSOR_WRITE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, made);
        }
        Assert.True(File.Exists(path), $"{name} is missing: run scripts/generate-docs.sh");
        Assert.True(made == File.ReadAllText(path), $"{name} is out of date: run scripts/generate-docs.sh");
    }

    public static TheoryData<string> Verbs() => [.. CommandTree.Verbs(SensorCommandLine.Build()).Select(v => v.Path)];

    [Theory]
    [MemberData(nameof(Verbs))]
    public void ManPage_DescribesEveryOptionOfTheVerb_InItsSection(string path)
    {
        var command = Find(path);
        var page = File.ReadAllText(Path.Combine(Root, "docs", "sensor.1"));
        var start = page.IndexOf($"\n.SS {ManPage.Escape(path)}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section for {path}");
        var end = page.IndexOf("\n.S", start + 1, StringComparison.Ordinal);
        var section = page[start..(end < 0 ? page.Length : end)];
        Assert.Contains(ManPage.Escape(command.Description), section);
        foreach (var option in CommandTree.Options(command))
            foreach (var name in CommandTree.Names(option))
                Assert.Contains($@"\fB{ManPage.Escape(name)}\fR", section);
        foreach (var argument in CommandTree.Arguments(command))
            Assert.Contains(ManPage.Escape(argument.Description), section);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void BashCompletion_OffersTheVerb_AndEveryOptionOfIt(string path)
    {
        var words = path.Split(' ');
        Assert.Contains(words[^1], Complete([.. words[..^1], words[^1][..2]]));
        var offered = Complete([.. words, "-"]);
        var expected = CommandTree.Options(Find(path)).SelectMany(CommandTree.Names).Concat(CommandTree.HelpNames).Order();
        Assert.Equal(expected, offered.Order());
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void ZshCompletion_HasAFunctionForTheVerb_WithEveryOption(string path)
    {
        var script = File.ReadAllText(Path.Combine(Root, "deploy", "completions", "_sensor"));
        var start = script.IndexOf($"\n_sensor_{path.Replace(' ', '_')}()\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no function for {path}");
        var function = script[start..script.IndexOf("\n}\n", start, StringComparison.Ordinal)];
        foreach (var option in CommandTree.Options(Find(path)))
        {
            var names = CommandTree.Names(option);
            Assert.Contains(names.Count == 1 ? names[0] + "'[" : $"{{{string.Join(',', names)}}}'[", function);
        }
    }

    [Theory]
    [InlineData(new[] { "rep" }, new[] { "replay" })]
    [InlineData(new[] { "r" }, new[] { "replay", "rules", "runs" })]
    [InlineData(new[] { "replay", "--mem" }, new[] { "--memory-budget" })]
    [InlineData(new[] { "replay", "--crosscheck-t" }, new[] { "--crosscheck-timeout", "--crosscheck-ttl" })]
    [InlineData(new[] { "replay", "--fail-on", "" }, new[] { "info", "low", "medium", "high" })]
    [InlineData(new[] { "probe", "--proto", "s" }, new[] { "smtp", "submission" })]
    [InlineData(new[] { "fieldtest", "--fail-on", "" }, new[] { "interference", "unencrypted" })]
    [InlineData(new[] { "tail", "--severity", "h" }, new[] { "high" })]
    [InlineData(new[] { "rules", "" }, new[] { "check" })]
    [InlineData(new[] { "--vers" }, new[] { "--version" })]
    [InlineData(new[] { "live", "-v", "--work" }, new[] { "--workers" })]
    // the value of an option is not a verb: "probe" here is the vantage's name, so the options are still replay's
    [InlineData(new[] { "replay", "--local-vantage", "probe", "--enum" }, new string[0])]
    [InlineData(new[] { "probe", "--vantage", "replay", "--enum" }, new[] { "--enumerate" })]
    [InlineData(new[] { "agent", "--bus", "" }, new string[0])]
    public void BashCompletion_Completes(string[] typed, string[] expected) =>
        Assert.Equal(expected.Order(), Complete(typed).Order());

    [Fact]
    public void BashCompletion_OffersFiles_WhereAFileIsAsked()
    {
        var dir = SensorProcess.TempDir();
        File.WriteAllText(Path.Combine(dir, "capture-one.pcap"), "");
        Directory.CreateDirectory(Path.Combine(dir, "captured"));
        var prefix = Path.Combine(dir, "capt");
        Assert.Equal([$"{prefix}ure-one.pcap", $"{prefix}ured"], Complete(["replay", prefix]).Order());
        Assert.Equal([$"{prefix}ured"], Complete(["replay", "x.pcap", "--evidence", prefix]));
        Assert.Equal([$"{prefix}ure-one.pcap", $"{prefix}ured"], Complete(["replay", "--rules", prefix]).Order());
        Assert.Empty(Complete(["probe", prefix]));
    }

    [Theory]
    [InlineData("sensor rep", new[] { "replay" })]
    [InlineData("sensor r", new[] { "replay", "rules", "runs" })]
    [InlineData("sensor replay --mem", new[] { "--memory-budget" })]
    [InlineData("sensor replay --fail-on ", new[] { "info", "low", "medium", "high" })]
    [InlineData("sensor probe --proto s", new[] { "smtp", "submission" })]
    [InlineData("sensor rules ", new[] { "check" })]
    [InlineData("sensor live -v --work", new[] { "--workers" })]
    [InlineData("sensor tail --severity h", new[] { "high" })]
    public void ZshCompletion_Completes(string typed, string[] expected)
    {
        // an interactive zsh in a pseudo-terminal, the completion directory first in its fpath, a tab typed after the words
        var run = SensorProcess.RunProgram("zsh", ["-f", Path.Combine(Root, "tests", "Sensor.Tests", "Cli", "zsh-complete.zsh"),
            Path.Combine(Root, "deploy", "completions"), typed], limit: TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(expected.Order(), run.StdoutLines.Select(l => l.Trim()).Where(l => l.Length > 0).Order());
    }

    /// <summary>What bash's completion offers for `sensor WORDS...` with the cursor at the end of the last word.</summary>
    private static string[] Complete(string[] typed)
    {
        string[] words = ["sensor", .. typed];
        var quoted = string.Join(' ', words.Select(w => $"'{w}'"));
        var script = $"source '{BashScript}'; COMP_WORDS=({quoted}); COMP_CWORD={words.Length - 1}; _sensor; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
        var run = SensorProcess.RunProgram("bash", ["--norc", "--noprofile", "-c", script]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Empty(run.Stderr);
        return run.StdoutLines;
    }

    private static Command Find(string path) => path.Split(' ').Aggregate((Command)Tree, (command, name) => command.Subcommands.Single(c => c.Name == name));
}
