using System.CommandLine;
using Sensor.Cli.Commands.Options;
using Sensor.Cli.Service;
using Sensor.Core.Capture;
using Sensor.Core.Live;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>
/// `sensor live`: captures from interfaces until SIGINT/SIGTERM as a service (Service/LiveHost), reporting
/// sessions and findings as they happen. Settings come from the config file (--config), then SENSOR__*
/// environment variables, then these options. On a signal it stops capturing, ends every open flow
/// (their sessions and findings are reported), commits the store and the JSON Lines, and exits 0.
/// </summary>
public static class LiveCommand
{
    /// <summary>
    /// Every TCP segment: protocol detection recognises SMTP, IMAP and POP3 on any port (a relay on 2525,
    /// a proxy on a high port), so a port list would blind it; what is not TCP is never decoded, and a flow
    /// that is not mail is ignored after its first bytes.
    /// </summary>

    private static readonly Option<string?> Config = new("--config", "-c") { Description = $"configuration file (JSON, see deploy/sensor.json); default {SettingsLoader.DefaultPath} when it exists", HelpName = "FILE" };
    private static readonly Option<string[]> Interfaces = new("--interface", "-i") { Description = "interface to capture on (repeatable; replaces Capture:Interfaces)", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false, HelpName = "IFACE" };
    private static readonly Option<string?> Bpf = new("--bpf") { Description = $"capture filter (BPF); default: {CaptureFilter.Description}, so mail on any port and inside those is recognised", HelpName = "FILTER" };
    private static readonly Option<bool> Json = CommonOptions.Json("write JSON Lines (session and finding records) to stdout as they happen");
    private static readonly Option<string?> JsonlFile = new("--jsonl-file") { Description = "append JSON Lines (session and finding records) to this file as they happen (rotated as Sinks:JsonLines says)", HelpName = "FILE" };
    private static readonly StoreOptions Store = new("for sessions, findings and server history", "do not read or write the store");
    private static readonly CrossCheckCli CrossCheck = new(TimeSpan.FromSeconds(20));
    private static readonly Option<int?> Workers = TypedOptions.Count("--workers", $"worker threads that flows are spread over (default {LiveSensorOptions.DefaultWorkers} here: one per core, at most 8)", 1, 256);
    private static readonly Option<string?> Evidence = new("--evidence") { Description = "write each finding's packets (its flow's recent packets) to DIR/ID-KIND.pcap, mode 0600", HelpName = "DIR" };
    private static readonly Option<TimeSpan?> StatsInterval = TypedOptions.Duration("--stats-interval", "how often the stats line is logged and the stats record written to the JSON Lines outputs, e.g. 30s, 5m (default 1m; config Metrics:StatsInterval)");
    private static readonly Option<int?> MemoryBudget = CommonOptions.MemoryBudget("MiB the engine may keep (flows, buffers, evidence rings, queues); default 1024");
    private static readonly Option<bool> StoreSessions = StoreOptions.StoreSessionsOption();
    private static readonly Option<TimeSpan?> Keep = TypedOptions.Duration("--keep", "prune stored records older than this while capturing, e.g. 30d (config Storage:Keep; default: keep all)");

    public static Command Build()
    {
        var command = new Command("live", "Capture from network interfaces and report credentials in the clear and STARTTLS stripping as sessions happen (until SIGINT/SIGTERM; SIGHUP reloads rules)")
        {
            Config, Interfaces, Bpf, Json, JsonlFile, Store.Db, Store.NoDb, StoreSessions, CommonOptions.ShowSecrets, CommonOptions.LogFile, CommonOptions.Verbose,
            Workers, Evidence, MemoryBudget, StatsInterval, Keep,
        };
        foreach (var option in CrossCheck.All)
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
            var config = SettingsLoader.Load(result.GetValue(Config));
            ApplyOptions(result, config.Settings);
            SettingsValidator.Validate(config.Settings, config.Sources);
            Logging.Configure(result.GetValue(CommonOptions.Verbose), result.GetValue(CommonOptions.LogFile), config.Configuration);
            bool interfacesFromConfig = result.GetValue(Interfaces) is not { Length: > 0 };
            var settings = config.Settings;
            // --crosscheck (or CrossCheck:Enabled): servers are probed as sessions happen; a verdict is reported once decided or changed, the rest when the capture stops
            var crossCheck = CrossCheck.Read(result, settings.CrossCheck, settings.Bus) is { } plan
                ? new LiveCrossCheck(plan, CrossCheck.SamePathVantages(result, settings.CrossCheck)) : null;
            // --bus (or Fleet:Publish): fleet mode, the records also go to the bus (the outbox beside the store)
            var fleet = FleetOptions.Read(result, CrossCheck, settings.Storage.Enabled ? settings.Storage.Db : null, settings.Sinks.ShowSecrets,
                settings.Fleet, settings.Bus);
            using var runtime = LiveRuntime.Open(config.Settings,
                index => interfacesFromConfig ? config.Sources.Where($"Capture:Interfaces:{index}") : null, crossCheck, fleet);
            return LiveHost.Run(runtime, () => Console.Error.WriteLine(
                $"sensor: capturing on {string.Join(", ", runtime.Captures.Select(c => c.InterfaceName))} with filter \"{config.Settings.Capture.Bpf ?? "default: " + CaptureFilter.Description}\""));
        }
        catch (Exception e) when (e is ConfigException or CaptureException or UsageException)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteDB.LiteException or StoreException)
        {
            Log.Error("live capture stopped: {Message}", e.Message);
            return ExitCodes.BadInput;
        }
    }

    /// <summary>Command-line options win over the config file and the environment.</summary>
    private static void ApplyOptions(ParseResult result, SensorSettings settings)
    {
        if (result.GetValue(Interfaces) is { Length: > 0 } interfaces)
            settings.Capture.Interfaces = interfaces;
        settings.Capture.Bpf = result.GetValue(Bpf) ?? settings.Capture.Bpf;
        settings.Sinks.Console |= result.GetValue(Json);
        settings.Sinks.JsonLines.Path = result.GetValue(JsonlFile) ?? settings.Sinks.JsonLines.Path;
        settings.Sinks.ShowSecrets |= result.GetValue(CommonOptions.ShowSecrets);
        settings.Sinks.Evidence = result.GetValue(Evidence) ?? settings.Sinks.Evidence;
        settings.Caps.Workers = result.GetValue(Workers) ?? settings.Caps.Workers;
        settings.Caps.MemoryBudgetMb = result.GetValue(MemoryBudget) ?? settings.Caps.MemoryBudgetMb;
        settings.Metrics.StatsInterval = result.GetValue(StatsInterval) ?? settings.Metrics.StatsInterval;
        settings.Storage.Keep = result.GetValue(Keep) ?? settings.Storage.Keep;
        settings.Storage.Sessions |= result.GetValue(StoreSessions);
        if (result.GetValue(Store.Db) is { } db)
            (settings.Storage.Enabled, settings.Storage.Db) = (true, db);
        if (result.GetValue(Store.NoDb))
            settings.Storage.Enabled = false;
    }
}
