using System.CommandLine;
using System.Globalization;
using System.Net;
using Sensor.Cli.Commands.Options;
using Sensor.Core.FieldTest;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Storage;
using Sensor.Core.Survey;
using Serilog;
using Spectre.Console;

namespace Sensor.Cli.Commands;

/// <summary>
/// `sensor survey FILE|DIR`: probes a list of mail domains (SMTP on 25 through MX), or the servers
/// of an ISPDB autoconfig directory, with bounded
/// concurrency and per-server politeness, resumable from the store, and gives starttls.info-style
/// statistics as text, JSON Lines and an HTML report with charts.
/// </summary>
public static class SurveyCommand
{
    private static readonly Argument<string[]> File = TypedOptions.UpToOptions("file", "list to survey: one mail domain (MX on port 25), host or HOST:PORT (spoken to as SMTP) a line; '#' comments and blank lines are ignored, repeats probed once. "
        + "Or a Mozilla ISPDB-style autoconfig directory (one clientConfig XML file per domain): its IMAP, POP3 and SMTP submission servers are probed, on their ports, with TLS at connect where socketType is SSL", ArgumentArity.ExactlyOne);
    private static readonly Option<bool> Json = CommonOptions.Json("write the survey's probe records and one {\"type\":\"survey\"} statistics line as JSON Lines to stdout instead of the summary");
    private static readonly Option<string?> Report = new("--report") { Description = "also write a self-contained HTML report with the statistics and charts to this file", HelpName = "FILE" };
    private static readonly Option<int?> Concurrency = TypedOptions.Count("--concurrency", $"domains probed at once, one server at a time each (default {SurveySettings.DefaultConcurrency})", 1, 1024);
    private static readonly Option<int?> PerDestination = TypedOptions.Count("--per-destination", $"connections at once to one server address (default {SurveySettings.DefaultPerDestination})", 1, 64);
    private static readonly Option<IPEndPoint?> Resolver = ProbeCliOptions.Resolver("DNS resolver for MX, A/AAAA, TLSA and TXT: IP, IP:PORT or [IPv6]:PORT (default: the system's name servers)");
    private static readonly Option<TimeSpan?> Timeout = ProbeCliOptions.Timeout("seconds allowed for each step (the whole probe of a server gets five times that); default 10, greeting 30, whole probe 90");
    private static readonly Option<string?> Vantage = ProbeCliOptions.Vantage("--vantage", "name of this vantage point in the records (default: local); part of the survey's id");
    private static readonly StoreOptions Store = new("the probes go to; the survey's progress is kept beside it in FILE.survey, so a run stopped early resumes", "keep nothing: no store, no resuming");
    private static readonly Option<bool> Fresh = new("--fresh") { Description = "probe every domain again, forgetting what an earlier run of the same survey from the same vantage finished" };

    public static Command Build()
    {
        var command = new Command("survey", "Survey a list of mail domains (or an ISPDB autoconfig directory): probe each one's servers (STARTTLS, TLS, grade, DANE, MTA-STS) politely and resumably, "
            + "and report how many offer STARTTLS, the grade spread and DANE/MTA-STS adoption. Ctrl-C stops cleanly; run it again to finish. Exit 0 when it ran; 2 on bad usage; 130 when Ctrl-C stopped it.")
        {
            File, Json, Report, Concurrency, PerDestination, Resolver, Timeout, Vantage, Store.Db, Fresh, Store.NoDb, CommonOptions.NoProgress,
            CommonOptions.LogFile, CommonOptions.Verbose,
        };
        command.SetAction((result, token) => RunAsync(result, token));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken token)
    {
        CommonOptions.ConfigureLogging(result);
        SurveyInput input;
        SurveySettings settings;
        try
        {
            (input, settings) = ReadSettings(result);
        }
        catch (UsageException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        var dbPath = Store.Path(result);
        SensorStore? store = null;
        SurveyJournal? journal = null;
        try
        {
            store = dbPath is null ? null : SensorStore.Open(dbPath);
            journal = dbPath is null ? null : SurveyJournal.Open(SurveyJournal.PathFor(dbPath));
        }
        catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            store?.Dispose();
            Log.Error("{Message}", e is StoreException ? e.Message : $"cannot open the survey journal of '{dbPath}': {e.Message}");
            return ExitCodes.BadInput;
        }
        SurveyOutcome outcome;
        using (store)
        using (journal)
        {
            var id = input.Id(settings.Vantage);
            if (result.GetValue(Fresh))
                journal?.Forget(id);
            var done = journal?.Finished(id) ?? [];
            void Finished(SurveyEntry entry)
            {
                store?.AddProbes(entry.Records);
                journal?.Add(entry);
            }
            var showProgress = !result.GetValue(CommonOptions.NoProgress) && !Console.IsErrorRedirected;
            outcome = showProgress
                ? await WithProgressBar(input.Entries.Count, progress => SurveyRun.RunAsync(input, settings, done, Finished, progress, token))
                : await SurveyRun.RunAsync(input, settings, done, Finished, null, token);
        }
        var now = DateTime.UtcNow;
        if (result.GetValue(Report) is { } reportPath)
        {
            try
            {
                System.IO.File.WriteAllText(reportPath, SurveyReportHtml.Render(outcome, now, FieldTestRun.Version));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Error("cannot write the report '{Path}': {Message}", reportPath, e.Message);
                return ExitCodes.BadInput;
            }
        }
        if (result.GetValue(Json))
        {
            using var stdout = Console.OpenStandardOutput();
            using (var json = new JsonLinesWriter(stdout))
                foreach (var record in outcome.Domains.SelectMany(d => d.Records))
                    json.Write(record);
            stdout.Write(System.Text.Encoding.UTF8.GetBytes(SurveyRecord.From(outcome, now).ToJsonLine() + "\n"));
        }
        else
        {
            Print(outcome, result.GetValue(Report));
        }
        return outcome.Interrupted ? ExitCodes.Interrupted : ExitCodes.Ok;
    }

    private static async Task<SurveyOutcome> WithProgressBar(int total, Func<IProgress<SurveyProgress>, Task<SurveyOutcome>> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        SurveyOutcome outcome = null!;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("surveying", maxValue: Math.Max(1, total));
                outcome = await work(new BarProgress(task));
            });
        return outcome;
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<SurveyProgress>
    {
        public void Report(SurveyProgress value) => task.Value = value.Done;
    }

    private static (SurveyInput, SurveySettings) ReadSettings(ParseResult result)
    {
        var path = result.GetValue(File)![0];
        SurveyInput input;
        try
        {
            input = Directory.Exists(path) ? AutoconfigDirectory.Read(path) : SurveyInput.Parse(System.IO.File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
        catch (FormatException e)
        {
            throw new UsageException($"{path}: {e.Message}");
        }
        if (input.Entries.Count == 0)
            throw new UsageException($"{path}: no domain or host in it{(Directory.Exists(path) ? " (no autoconfig file lists an IMAP, POP3 or SMTP server)" : "")}");
        var options = ProbeCliOptions.Apply(ProbeOptions.Default, result.GetValue(Timeout), result.GetValue(Resolver));
        var vantage = result.GetValue(Vantage) ?? Sensor.Core.CrossCheck.CrossCheckOptions.LocalVantage;
        return (input, new SurveySettings(options, vantage, result.GetValue(Concurrency) ?? SurveySettings.DefaultConcurrency,
            result.GetValue(PerDestination) ?? SurveySettings.DefaultPerDestination));
    }

    private static void Print(SurveyOutcome outcome, string? reportPath)
    {
        var s = outcome.Stats;
        string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        Console.WriteLine($"Survey {outcome.Id} from '{outcome.Vantage}': {s.Domains} of {outcome.Total} domains done ({outcome.ProbedNow} probed now, {outcome.Resumed} from an earlier run){(outcome.Interrupted ? ", interrupted: run it again to finish" : "")}.");
        Console.WriteLine($"  servers reached      {s.ServersReached} (rated {s.ServersRated})");
        Console.WriteLine($"  with STARTTLS        {s.WithStarttls}");
        Console.WriteLine($"  without STARTTLS     {s.WithoutStarttls}");
        Console.WriteLine($"  average score        {s.AverageScore?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"}");
        Console.WriteLine($"  grades               {string.Join("  ", SurveyStats.Letters.Select(l => $"{l} {s.Grades[l]}"))}");
        Console.WriteLine($"  DANE                 {s.DaneServers} servers ({Percent(s.DaneShare)}; validated TLSA match)");
        Console.WriteLine($"  MTA-STS              {s.MtaStsDomains} domains ({Percent(s.MtaStsShare)}; TXT published)");
        Console.WriteLine($"  unreachable          {s.Unreachable}");
        Console.WriteLine($"  timeouts             {s.Timeouts}");
        Console.WriteLine($"  unresolvable/no-mail {s.Unresolvable}/{s.NoMail}");
        Console.WriteLine($"  other failures       {s.OtherFailures}");
        if (reportPath is not null)
            Console.WriteLine($"Report: {reportPath}");
    }
}
