using System.CommandLine;
using System.Globalization;
using Sensor.Cli.Commands.Options;
using Sensor.Core.FieldTest;
using Sensor.Core.Output;
using Sensor.Core.Output.Html;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Socks;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>
/// `sensor fieldtest TARGET...`: for a journalist or an NGO. Probes every mail port of each target
/// from here, compares with what other vantage points saw (agents asked now with --via, and probe
/// records in the store, e.g. imported with `sensor import`), prints a plain-language verdict per port
/// and writes a self-contained HTML report.
/// </summary>
public static class FieldtestCommand
{
    private static readonly Argument<string[]> Targets = TypedOptions.UpToOptions("targets",
        "mail domain, host or address, optionally with :PORT (without a port: 25, 587, 465, 143, 993, 110 and 995); a mail domain is probed through its MX hosts",
        ArgumentArity.OneOrMore);
    private static readonly Option<string?> Report = new("--report") { Description = "HTML report to write (default: sensor-fieldtest-<UTC time>.html here; with --json, only when given)", HelpName = "FILE" };
    private static readonly Option<bool> Json = CommonOptions.Json("write one JSON Lines fieldtest record per port to stdout instead of the text");
    private static readonly Option<TimeSpan?> Timeout = ProbeCliOptions.Timeout("seconds allowed for each step (the whole probe of a port gets five times that); default 10, greeting 30, a port at most 30");
    private static readonly Option<ProbeSelection?> Proto = ProbeCliOptions.Proto("only these ports: smtp, submission, imap, pop3 or all (default); with HOST:PORT, the protocol spoken there");
    private static readonly Option<string?> Vantage = ProbeCliOptions.Vantage("--vantage", "name of this place in the report and the store (default: local)");
    private static readonly Option<System.Net.IPEndPoint?> Resolver = ProbeCliOptions.Resolver("DNS resolver for the mail servers' names and for naming this network: IP, IP:PORT or [IPv6]:PORT (default: the system's name servers, the ones this network gives)");
    private static readonly Option<bool> NoNetworkName = new("--no-network-name")
    {
        Description = "do not name this network in the report: without it, three DNS questions through the resolver learn its public address (o-o.myaddr.l.google.com, else whoami.akamai.net) and its AS number and name (Team Cymru's origin.asn.cymru.com)",
    };
    private static readonly Option<int?> Attempts = ProbeCliOptions.Attempts("several tell a load-balanced server that varies from a network that interferes now and then");
    /// <summary>--fail-on: the verdicts that fail the run, the worse first (declared before the option made of it).</summary>
    private static readonly Dictionary<string, FieldLevel> FailLevels = new() { ["interference"] = FieldLevel.Interference, ["unencrypted"] = FieldLevel.NotEncrypted };

    private static readonly Option<FieldLevel?> FailOn = FailOnOption();
    private static readonly StoreOptions Store = new("with the results from elsewhere; this run's probes are added", "use no store: nothing to compare with, nothing kept");
    private static readonly Option<string[]> Via = new Option<string[]>("--via")
    {
        Description = "also probe from the agent NAME (sensor agent, repeatable) over the NATS server given by --bus, or through the SOCKS5 proxy socks5://HOST:PORT or tor (127.0.0.1:9050; names resolved by the proxy): a comparison from elsewhere, now, DNS answers included",
        AllowMultipleArgumentsPerToken = false,
        HelpName = "NAME",
    }.Checked(ViaAgent.NameError);
    private static readonly BusOptions ViaBus = new();

    public static Command Build()
    {
        var command = new Command("fieldtest", "Test mail encryption from this network: probe a domain's mail ports from here, compare with results from elsewhere, "
            + "say in plain words whether the network interferes, and write a shareable HTML report. Exit 0 when it ran; 1 with --fail-on and a verdict that bad; 2 on bad usage.")
        {
            Targets, Report, Json, Timeout, Proto, Vantage, Resolver, Attempts, NoNetworkName, FailOn, Store.Db, Store.NoDb, CommonOptions.LogFile, CommonOptions.Verbose, Via,
        };
        foreach (var option in ViaBus.All)
            command.Options.Add(option);
        command.SetAction((result, token) => RunAsync(result, token));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken token)
    {
        CommonOptions.ConfigureLogging(result);
        Settings settings;
        try
        {
            settings = ReadSettings(result);
        }
        catch (UsageException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        var dbPath = Store.Path(result);
        FieldReport report;
        try
        {
            using var store = dbPath is null ? null : SensorStore.Open(dbPath);
            report = await FieldTestRun.RunAsync(settings.Targets, settings.Selection, settings.Options, settings.Vantage,
                [.. store?.Probes() ?? []], records => store?.AddProbes(records), token, AskAgentsAsync(settings, token), settings.Proxies, settings.NameNetwork, locate: true);
            WarnUnavailable(report);
            if (report.LocateUnavailable is { } unavailable)
                Log.Warning("{Message}", unavailable);
        }
        catch (StoreException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }

        var json = result.GetValue(Json);
        var reportPath = result.GetValue(Report) ?? (json ? null : $"sensor-fieldtest-{report.TimeUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.html");
        if (reportPath is not null)
        {
            try
            {
                File.WriteAllText(reportPath, FieldReportHtml.Render(report));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Error("cannot write the report '{Path}': {Message}", reportPath, e.Message);
                return ExitCodes.BadInput;
            }
        }
        if (json)
            WriteJson(report);
        else
            Print(report, reportPath);
        return settings.FailOn is { } threshold && report.Worst is { } worst && worst <= threshold ? ExitCodes.FindingsAtThreshold : ExitCodes.Ok;
    }

    private sealed record Settings(List<string> Targets, ProbeSelection? Selection, ProbeOptions Options, string Vantage, FieldLevel? FailOn,
        AgentsToAsk? Agents, IReadOnlyList<SocksProxy> Proxies, bool NameNetwork);

    private static Option<FieldLevel?> FailOnOption()
    {
        var option = TypedOptions.Parsed("--fail-on", "exit 1 when a verdict is this bad or worse: interference or unencrypted", "VERDICT",
            text => FailLevels.TryGetValue(text, out var level) ? level : (FieldLevel?)null,
            text => $"--fail-on takes interference or unencrypted, not '{text}'");
        return option.Choices([.. FailLevels.Keys]);
    }

    /// <summary>The agents named with --via and the bus they listen on.</summary>
    private sealed record AgentsToAsk(IReadOnlyList<string> Names, NATS.Client.Core.NatsOpts Bus);

    /// <summary>
    /// With --via: each agent probes the same targets from where it is, while the person waits. An agent
    /// that cannot answer is one warning: the test goes on with what is known (here, and the store).
    /// </summary>
    private static async Task<List<ProbeRecord>> AskAgentsAsync(Settings settings, CancellationToken token)
    {
        if (settings.Agents is not { } agents)
            return [];
        var step = settings.Options.ReplyTimeout;
        var request = new Sensor.Core.Agents.AgentRequest
        {
            // the ports here probes (all of them unless --proto): an agent's default for a bare domain is SMTP alone
            Targets = settings.Targets, Proto = ProbeCliOptions.Text(settings.Selection ?? ProbeSelection.All), Timeout = step.TotalSeconds,
            Resolver = settings.Options.Resolver?.ToString(), Attempts = settings.Options.Attempts,
        };
        var replies = await Task.WhenAll(agents.Names.Select(name =>
            ViaAgent.AskAsync(agents.Bus, name, request, Sensor.Core.Agents.AgentVantage.WaitFor(step), token)));
        foreach (var (name, (_, error)) in agents.Names.Zip(replies))
            if (error is not null)
                Log.Warning("no comparison from agent {Agent}: {Error}", name, error);
        return [.. replies.SelectMany(r => r.Records)];
    }

    /// <summary>A SOCKS proxy that could not be used at all is one warning, as an agent that does not answer.</summary>
    private static void WarnUnavailable(FieldReport report)
    {
        foreach (var proxy in report.Targets.SelectMany(t => t.Rows).SelectMany(r => r.Elsewhere)
                     .Where(e => e.Outcome == ProbeOutcome.VantageUnavailable && SocksProxy.IsProxy(e.Vantage)).DistinctBy(e => e.Vantage))
            Log.Warning("no comparison from {Proxy}: {Error}", proxy.Vantage, proxy.Error);
    }

    /// <summary>The SOCKS proxies --via names (socks5://HOST:PORT, tor).</summary>
    private static List<SocksProxy> ReadProxies(ParseResult result) =>
        [.. (result.GetValue(Via) ?? []).Where(SocksProxy.IsProxy).Select(CrossCheckCli.ReadProxy).Distinct()];

    private static AgentsToAsk? ReadAgents(ParseResult result, TimeSpan step)
    {
        var names = (result.GetValue(Via) ?? []).Where(v => !SocksProxy.IsProxy(v)).Distinct().ToList();
        if (names.Count == 0)
            return null;
        return new AgentsToAsk(names, ViaBus.Read(result, "sensor-fieldtest", step < TimeSpan.FromSeconds(10) ? step : TimeSpan.FromSeconds(10)));
    }

    private static Settings ReadSettings(ParseResult result)
    {
        var selection = result.GetValue(Proto);
        var options = ProbeCliOptions.Apply(FieldTestRun.DefaultOptions, result.GetValue(Timeout), result.GetValue(Resolver))
            with { Attempts = result.GetValue(Attempts) ?? 1 };
        var targets = new List<string>();
        foreach (var text in result.GetValue(Targets) ?? [])
        {
            try
            {
                FieldTestRun.Expand(text, selection);
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
            targets.Add(text);
        }
        return new Settings(targets, selection, options, result.GetValue(Vantage) ?? Sensor.Core.CrossCheck.CrossCheckOptions.LocalVantage, result.GetValue(FailOn), ReadAgents(result, options.ReplyTimeout), ReadProxies(result), !result.GetValue(NoNetworkName));
    }

    private static void Print(FieldReport report, string? reportPath)
    {
        foreach (var line in FieldReportText.Lines(FieldExplanation.Of(report), ConsoleWidth(), reportPath))
            Console.WriteLine(line);
    }

    /// <summary>The terminal's width less one (a line that fills the last column makes some terminals add a blank line); 80 when not a terminal.</summary>
    private static int ConsoleWidth()
    {
        try
        {
            if (!Console.IsOutputRedirected && Console.WindowWidth > 1)
                return Console.WindowWidth - 1;
        }
        catch (IOException)
        {
        }
        return 80;
    }

    private static void WriteJson(FieldReport report)
    {
        var stdout = Console.Out;
        foreach (var target in report.Targets)
            foreach (var row in target.Rows)
                stdout.Write(FieldtestRecord.From(report, target, row).ToJsonLine() + "\n");
        stdout.Flush();
        if (report.Dns.Count == 0)
            return;
        using var json = new JsonLinesWriter(Console.OpenStandardOutput());
        foreach (var difference in report.Dns)
            json.Write(difference.ToRecord());
    }
}
