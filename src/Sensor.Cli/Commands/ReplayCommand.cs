using System.CommandLine;
using Sensor.Cli.Commands.Options;
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
    private static readonly Argument<string[]> Files = TypedOptions.UpToOptions("files", "pcap or pcapng files, read in timestamp order as one capture; - reads one from stdin (tcpdump -w - | sensor replay -), and a FIFO is read as it comes", ArgumentArity.OneOrMore);
    private static readonly Option<bool> Json = CommonOptions.Json("write JSON Lines (session and finding records) to stdout instead of the summary");
    private static readonly StoreOptions Store = new("for sessions, findings and server history", "do not read or write the store");
    private static readonly Option<bool> StoreSessions = StoreOptions.StoreSessionsOption();
    private static readonly Option<string?> Rules = new("--rules") { Description = "rule file (YAML) layered over the shipped defaults", HelpName = "FILE" };
    private static readonly Option<string[]> Policy = new("--policy") { Description = "servers that must offer STARTTLS: a rule file or an EFF STARTTLS-Everywhere policy.json (repeatable)", HelpName = "FILE" };
    private static readonly Option<string?> Evidence = new("--evidence") { Description = "directory for one pcap per finding holding that session's packets (mode 0600)", HelpName = "DIR" };
    private static readonly Option<Severity?> FailOn = TypedOptions.Severity("--fail-on", "exit 1 when a finding of this severity or higher is made (info, low, medium, high)");
    private static readonly Option<TimeSpan?> CrossCheckMaxAge = TypedOptions.Duration("--crosscheck-max-age", "how old stored probe results may be to count in the cross-check, e.g. 7d, 12h, 30m (default: 7d)");
    private static readonly Option<int?> MemoryBudget = CommonOptions.MemoryBudget("MiB the engine may keep (flows, reassembly and parser buffers); past it the oldest flows are ended early and counted; default 1024");
    private static readonly CrossCheckCli OnTheFly = new(TimeSpan.FromSeconds(90));

    public static Command Build()
    {
        var command = new Command("replay", "Reconstruct the SMTP, IMAP and POP3 sessions in capture files and report credentials in the clear and STARTTLS stripping")
        {
            Files, Json, Store.Db, Store.NoDb, StoreSessions, Rules, Policy, CommonOptions.ShowSecrets, Evidence, FailOn, CrossCheckMaxAge, MemoryBudget,
            CommonOptions.LogFile, CommonOptions.Verbose, CommonOptions.NoProgress,
        };
        foreach (var option in OnTheFly.All)
            command.Options.Add(option);
        FleetOptions.AddTo(command);
        command.SetAction(result => Run(result));
        return command;
    }

    private static int Run(ParseResult result)
    {
        CommonOptions.ConfigureLogging(result);
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
        var dbPath = Store.Path(result);
        var showSecrets = result.GetValue(CommonOptions.ShowSecrets);
        return new ReplaySettings(
            new ReplayOptions(files, LoadRules(result), PlanMemory(result), result.GetValue(Evidence)),
            result.GetValue(Json),
            dbPath,
            showSecrets,
            result.GetValue(FailOn),
            ShowProgress: !result.GetValue(CommonOptions.NoProgress) && !Console.IsErrorRedirected
                && !files.Contains(StandardInput) && files.Sum(f => new FileInfo(f).Length) >= ProgressDisplay.MinimumBytes,
            CrossCheckMaxAge: result.GetValue(CrossCheckMaxAge) ?? Sensor.Core.CrossCheck.CrossCheckOptions.DefaultMaxAge,
            OnTheFly: OnTheFly.Read(result),
            SamePathVantages: OnTheFly.SamePathVantages(result),
            Fleet: FleetOptions.Read(result, OnTheFly, dbPath, showSecrets),
            StoreSessions: result.GetValue(StoreSessions));
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
                throw new UsageException($"{file}: no such file");
        }
        if (files.Count(f => f == StandardInput) > 1)
            throw new UsageException("stdin (-) can be read only once");
        if (evidence && files.Contains(StandardInput))
            throw new UsageException("--evidence reads the capture a second time, which stdin cannot give: save it to a file first");
    }

    private const string StandardInput = "-";

    private static MemoryPlan PlanMemory(ParseResult result)
    {
        long budget = result.GetValue(MemoryBudget) is { } mib ? mib * (1L << 20) : MemoryPlan.DefaultBudgetBytes;
        try
        {
            return MemoryPlan.ForReplay(budget, ReassemblyLimits.Default);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--memory-budget: {e.Message}");
        }
    }

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
    Sensor.Core.Fleet.FleetSettings? Fleet = null, bool StoreSessions = false);
