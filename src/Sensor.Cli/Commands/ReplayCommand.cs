using System.CommandLine;
using Sensor.Cli.Presentation;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Core.Storage;
using Serilog;
using Spectre.Console;

namespace Sensor.Cli.Commands;

/// <summary>`sensor replay FILE...`: the forensic replay of pcap/pcapng files.</summary>
public static class ReplayCommand
{
    private static readonly Argument<string[]> Files = new("files") { Arity = ArgumentArity.OneOrMore, Description = "pcap or pcapng files, read in timestamp order as one capture; - reads one from stdin (tcpdump -w - | sensor replay -), and a FIFO is read as it comes" };
    private static readonly Option<bool> Json = new("--json") { Description = "write JSON Lines (session and finding records) to stdout instead of the summary" };
    private static readonly Option<string?> Db = new("--db") { Description = "LiteDB file for sessions, findings and server history (default: $XDG_DATA_HOME/sensor/sensor.db)" };
    private static readonly Option<bool> NoDb = new("--no-db") { Description = "do not read or write the store" };
    private static readonly Option<string?> Rules = new("--rules") { Description = "rule file (YAML) layered over the shipped defaults" };
    private static readonly Option<string[]> Policy = new("--policy") { Description = "servers that must offer STARTTLS: a rule file or an EFF STARTTLS-Everywhere policy.json (repeatable)" };
    private static readonly Option<bool> ShowSecrets = new("--show-secrets") { Description = "reveal passwords and tokens in every output (forensics only; default: redacted)" };
    private static readonly Option<string?> Evidence = new("--evidence") { Description = "directory for one pcap per finding holding that session's packets (mode 0600)" };
    private static readonly Option<string?> FailOn = new("--fail-on") { Description = "exit 1 when a finding of this severity or higher is made (info, low, medium, high)" };
    private static readonly Option<string?> LogFile = new("--log-file") { Description = "also write operational logs to this file" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "log more" };
    private static readonly Option<string?> CrossCheckMaxAge = new("--crosscheck-max-age") { Description = "how old stored probe results may be to count in the cross-check, e.g. 7d, 12h, 30m (default: 7d)" };
    private static readonly Option<int?> MemoryBudget = new("--memory-budget") { Description = "MiB the engine may keep (flows, reassembly and parser buffers); past it the oldest flows are ended early and counted; default 1024" };
    private static readonly Option<bool> NoProgress = new("--no-progress") { Description = "no progress bar on stderr" };
    private static readonly CrossCheckCli OnTheFly = new(TimeSpan.FromSeconds(90));

    public static Command Build()
    {
        var command = new Command("replay", "Reconstruct the SMTP, IMAP and POP3 sessions in capture files and report credentials in the clear and STARTTLS stripping")
        {
            Files, Json, Db, NoDb, Rules, Policy, ShowSecrets, Evidence, FailOn, CrossCheckMaxAge, MemoryBudget, LogFile, Verbose, NoProgress,
        };
        foreach (var option in OnTheFly.All)
            command.Options.Add(option);
        FleetOptions.AddTo(command);
        command.SetAction(result => Run(result));
        return command;
    }

    private static int Run(ParseResult result)
    {
        Logging.Configure(result.GetValue(Verbose), result.GetValue(LogFile));
        try
        {
            var settings = ReadSettings(result);
            return new ReplayRunner(settings).Run();
        }
        catch (UsageException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteDB.LiteException or StoreException)
        {
            // A disk that fills or a store that breaks mid-run: what was written is flushed on the
            // way out (every writer is disposed), and the user gets one line, not a stack trace.
            Log.Error("replay stopped: {Message}", e.Message);
            return ExitCodes.BadInput;
        }
    }

    private static ReplaySettings ReadSettings(ParseResult result)
    {
        var files = result.GetValue(Files) ?? [];
        CheckFiles(files, result.GetValue(Evidence) is not null);
        Severity? failOn = null;
        if (result.GetValue(FailOn) is { } failText)
            failOn = SeverityNames.TryParse(failText, out var severity) ? severity : throw new UsageException($"--fail-on takes info, low, medium or high, not '{failText}'");
        var dbPath = result.GetValue(NoDb) ? null : result.GetValue(Db) ?? SensorStore.DefaultPath();
        return new ReplaySettings(
            new ReplayOptions(files, LoadRules(result), PlanMemory(result), result.GetValue(Evidence)),
            result.GetValue(Json),
            dbPath,
            result.GetValue(ShowSecrets),
            failOn,
            ShowProgress: !result.GetValue(NoProgress) && !Console.IsErrorRedirected
                && !files.Contains(StandardInput) && files.Sum(f => new FileInfo(f).Length) >= ProgressDisplay.MinimumBytes,
            CrossCheckMaxAge: result.GetValue(CrossCheckMaxAge) is { } age ? ParseAge(age, "--crosscheck-max-age") : Sensor.Core.CrossCheck.CrossCheckOptions.DefaultMaxAge,
            OnTheFly: OnTheFly.Read(result),
            SamePathVantages: OnTheFly.SamePathVantages(result),
            Fleet: FleetOptions.Read(result, OnTheFly, dbPath, result.GetValue(ShowSecrets)));
    }

    /// <summary>Each input is a file, a FIFO or stdin (once); a directory or a missing path is one clear line.</summary>
    private static void CheckFiles(string[] files, bool evidence)
    {
        foreach (var file in files)
        {
            if (file == StandardInput)
                continue;
            if (Directory.Exists(file))
                throw new UsageException($"{file} is a directory, not a capture file");
            if (!File.Exists(file))
                throw new UsageException(file.StartsWith('-') ? $"unknown option '{file}' (see 'sensor replay --help')" : $"{file}: no such file");
        }
        if (files.Count(f => f == StandardInput) > 1)
            throw new UsageException("stdin (-) can be read only once");
        if (evidence && files.Contains(StandardInput))
            throw new UsageException("--evidence reads the capture a second time, which stdin cannot give: save it to a file first");
    }

    private const string StandardInput = "-";

    private static MemoryPlan PlanMemory(ParseResult result)
    {
        long budget = result.GetValue(MemoryBudget) is { } mib
            ? mib > 0 ? mib * (1L << 20) : throw new UsageException($"--memory-budget takes a number of MiB above 0, not {mib}")
            : MemoryPlan.DefaultBudgetBytes;
        try
        {
            return MemoryPlan.ForReplay(budget, ReassemblyLimits.Default);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--memory-budget: {e.Message}");
        }
    }

    /// <summary>A positive duration (<see cref="Duration"/>), at most ten years.</summary>
    public static TimeSpan ParseAge(string text, string option) =>
        Duration.TryParse(text, out var age) && age > TimeSpan.Zero && age <= TimeSpan.FromDays(3650)
            ? age
            : throw new UsageException($"{option} takes a positive duration like 7d, 12h, 1h30m or 90s, not '{text}'");

    private static RuleSet LoadRules(ParseResult result)
    {
        try
        {
            return new RuleSources(result.GetValue(Rules), result.GetValue(Policy) ?? []).Load();
        }
        catch (RuleFileException e)
        {
            throw new UsageException($"{e.Errors[0]} (check the file with 'sensor rules check')");
        }
    }
}

/// <summary>Bad usage or unreadable input: reported as one line, exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);

public sealed record ReplaySettings(ReplayOptions Options, bool Json, string? DbPath, bool ShowSecrets, Severity? FailOn, bool ShowProgress,
    TimeSpan? CrossCheckMaxAge = null, OnTheFlyPlan? OnTheFly = null, IReadOnlySet<string>? SamePathVantages = null,
    Sensor.Core.Fleet.FleetSettings? Fleet = null);
