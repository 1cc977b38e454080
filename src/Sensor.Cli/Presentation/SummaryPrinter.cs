using Sensor.Core.Output;
using Spectre.Console;

namespace Sensor.Cli.Presentation;

/// <summary>The human summary of a replay: what was read, sessions, findings by kind, top servers, then each finding.</summary>
public static class SummaryPrinter
{
    public const int MaxListedFindings = 50;
    public const int TopServers = 5;
    public const int MaxNamedUnprobed = 5;

    public static void Print(IAnsiConsole console, ReplayReport report)
    {
        var summary = report.Summary;
        console.MarkupLine($"[bold]Sensor replay[/]: {report.Packets:N0} packets, {report.Bytes / 1e6:N1} MB from {report.Files} file(s) in {report.Elapsed.TotalSeconds:N2} s");
        foreach (var warning in report.Warnings)
            console.MarkupLineInterpolated($"[yellow]warning:[/] {TerminalText.Escape(warning)}");
        if (report.NotDecoded.Count > 0)
            console.MarkupLineInterpolated($"not decoded (encapsulations the sensor does not read): {string.Join(", ", report.NotDecoded.Select(k => $"{TerminalText.Escape(k.Key)}: {k.Value:N0} frames"))}");
        console.WriteLine();
        if (summary.SessionsByProtocol.Count == 0)
            console.MarkupLine("No SMTP, IMAP or POP3 sessions in this capture.");
        else
            console.Write(CountTable("Sessions", "protocol", summary.SessionsByProtocol));
        PrintVerdicts(console, summary.Verdicts);
        if (summary.FindingCount == 0)
        {
            console.MarkupLine("[green]No findings.[/]");
            return;
        }
        console.Write(CountTable("Findings", "kind", summary.FindingsByKind));
        console.Write(CountTable($"Top servers by findings", "server", Top(summary.FindingsByServer)));
        PrintFindings(console, summary.Findings);
        if (summary.FindingCount > MaxListedFindings)
            console.MarkupLine($"… and {summary.FindingCount - MaxListedFindings:N0} more (use --json for all)");
    }

    /// <summary>
    /// One line a verdict, except servers no probe answered for: one line with their count, since a capture of
    /// many servers and no probes would otherwise list every one of them to say nothing.
    /// </summary>
    private static void PrintVerdicts(IAnsiConsole console, IEnumerable<VerdictRecord> verdicts)
    {
        var unprobed = new List<string>();
        foreach (var v in verdicts)
        {
            if (v.Total == 0)
                unprobed.Add($"{v.Protocol} {v.Server}");
            else
                console.MarkupLineInterpolated($"cross-check [bold]{v.Verdict}[/] {v.Protocol} {v.Server} (confidence {v.Confidence:0.00}, {v.Agreeing} of {v.Total} probes agreed): {TerminalText.Escape(v.Summary)}");
        }
        if (unprobed.Count == 0)
            return;
        var named = string.Join(", ", unprobed.Take(MaxNamedUnprobed)) + (unprobed.Count > MaxNamedUnprobed ? $" and {unprobed.Count - MaxNamedUnprobed:N0} more" : "");
        console.MarkupLineInterpolated($"cross-check [bold]inconclusive[/] for {unprobed.Count:N0} server(s) with no recent probe from another vantage point: {named} (probe them with `sensor probe`, or replay with --crosscheck)");
    }

    private static Table CountTable(string title, string what, IEnumerable<KeyValuePair<string, int>> counts)
    {
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
        table.AddColumn(what);
        table.AddColumn(new TableColumn("count").RightAligned());
        foreach (var (key, count) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(key), count.ToString("N0"));
        return table;
    }

    /// <summary>One finding a paragraph: severity, kind, endpoints and user on one line, the summary under it, then its time and id.</summary>
    private static void PrintFindings(IAnsiConsole console, IEnumerable<FindingRecord> findings)
    {
        console.MarkupLine("[bold]Findings[/] (most severe first)");
        foreach (var f in findings.OrderByDescending(f => SeverityRank(f.Severity)).Take(MaxListedFindings))
        {
            var user = f.User() is { } name ? $"  user [bold]{Text(name)}[/]" : "";
            var kind = Markup.Escape(f.Variant is null ? f.Kind : $"{f.Kind}/{f.Variant}");
            console.MarkupLine($"{Severity(f.Severity),-6} [bold]{kind}[/]  {Text(f.Protocol)} {Text(f.Client)} -> {Text(f.Server)}{user}");
            console.MarkupLine($"       {Text(f.Summary)}");
            console.MarkupLine($"       [dim]{Text(f.Ts)}  id {Text(f.Id)}[/]");
        }
    }

    /// <summary>Record text as markup: terminal controls escaped, then Spectre's brackets.</summary>
    internal static string Text(string text) => Markup.Escape(TerminalText.Escape(text));

    private static int SeverityRank(string severity) => severity switch
    {
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    };

    internal static string Severity(string severity) => severity switch
    {
        "high" => "[red bold]high[/]",
        "medium" => "[yellow]medium[/]",
        "low" => "[blue]low[/]",
        _ => severity,
    };

    private static IEnumerable<KeyValuePair<string, int>> Top(Dictionary<string, int> counts) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(TopServers);
}
