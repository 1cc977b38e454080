using System.CommandLine;
using System.Runtime.InteropServices;
using Sensor.Core.Capture;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>
/// `sensor live -i IFACE`: captures from interfaces until SIGINT/SIGTERM, reporting sessions and
/// findings as they end. On a signal it stops capturing, ends every open flow (their sessions and
/// findings are reported), commits the store and the JSON Lines, and exits 0.
/// </summary>
public static class LiveCommand
{
    /// <summary>
    /// Every TCP segment: protocol detection recognises SMTP, IMAP and POP3 on any port (a relay on 2525,
    /// a proxy on a high port), so a port list would blind it; what is not TCP is never decoded, and a flow
    /// that is not mail is ignored after its first bytes.
    /// </summary>
    public const string DefaultFilter = "tcp";

    private static readonly Option<string[]> Interfaces = new("--interface", "-i") { Description = "interface to capture on (repeatable)", Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Bpf = new("--bpf") { Description = $"capture filter (BPF); default \"{DefaultFilter}\": every TCP segment, so mail on any port is recognised" };
    private static readonly Option<bool> Json = new("--json") { Description = "write JSON Lines (session and finding records) to stdout as they happen" };
    private static readonly Option<string?> JsonlFile = new("--jsonl-file") { Description = "append JSON Lines (session and finding records) to this file as they happen" };
    private static readonly Option<string?> Db = new("--db") { Description = "LiteDB file for sessions, findings and server history (default: $XDG_DATA_HOME/sensor/sensor.db)" };
    private static readonly Option<bool> NoDb = new("--no-db") { Description = "do not read or write the store" };
    private static readonly Option<bool> ShowSecrets = new("--show-secrets") { Description = "reveal passwords and tokens in every output (forensics only; default: redacted)" };
    private static readonly Option<string?> LogFile = new("--log-file") { Description = "also write operational logs to this file" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "log more" };
    private static readonly Option<int?> Workers = new("--workers") { Description = $"worker threads that flows are spread over (default {LiveSensorOptions.DefaultWorkers} here: one per core, at most 8)" };
    private static readonly Option<string?> Evidence = new("--evidence") { Description = "write each finding's packets (its flow's recent packets) to DIR/ID-KIND.pcap, mode 0600" };
    private static readonly Option<int?> MemoryBudget = new("--memory-budget") { Description = "MiB the engine may keep (flows, buffers, evidence rings, queues); default 1024" };

    public static Command Build()
    {
        var command = new Command("live", "Capture from network interfaces and report credentials in the clear and STARTTLS stripping as sessions end (until SIGINT/SIGTERM)")
        {
            Interfaces, Bpf, Json, JsonlFile, Db, NoDb, ShowSecrets, LogFile, Verbose, Workers, Evidence, MemoryBudget,
        };
        command.SetAction(result => Run(result));
        return command;
    }

    private static int Run(ParseResult result)
    {
        Logging.Configure(result.GetValue(Verbose), result.GetValue(LogFile));
        try
        {
            return RunLive(result);
        }
        catch (CaptureException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        catch (UsageException e)
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

    private static int RunLive(ParseResult result)
    {
        var filter = result.GetValue(Bpf) ?? DefaultFilter;
        var names = (result.GetValue(Interfaces) ?? []).Distinct().ToArray();
        var captureOptions = new LiveCaptureOptions { Filter = filter };
        var captures = names.Select(name => new LiveCapture(name, captureOptions)).ToList();
        var engineOptions = EngineOptions(result);
        try
        {
            var dbPath = result.GetValue(NoDb) ? null : result.GetValue(Db) ?? SensorStore.DefaultPath();
            // Open the interfaces first: a wrong name, no permission or a bad filter is one line and exit 2
            // before any file is touched.
            foreach (var capture in captures)
                capture.Open();
            if (engineOptions.EvidenceDirectory is { } evidence)
                EvidenceDirectory.Prepare(evidence);

            using var store = dbPath is null ? null : SensorStore.Open(dbPath);
            using var stdout = result.GetValue(Json) ? new LiveJsonLinesSink(Console.OpenStandardOutput()) : null;
            using var file = result.GetValue(JsonlFile) is { } path ? OpenJsonlFile(path) : null;
            var sinks = new List<IRecordSink>();
            if (stdout is not null)
                sinks.Add(stdout);
            if (file is not null)
                sinks.Add(file);
            if (store is not null)
                sinks.Add(new LiveStoreSink(store));
            var mapper = new RecordMapper(new SecretRedactor(result.GetValue(ShowSecrets), SecretRedactor.LoadOrCreateKey(KeyPath(dbPath))));
            using var sensor = new LiveSensor(captures, DefaultRules.Rules, store, mapper, sinks, engineOptions);

            using var stop = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true; // we end ourselves, after flushing
                stop.Cancel();
            }

            Console.Error.WriteLine($"sensor: capturing on {string.Join(", ", names)} with filter \"{filter}\"");
            var runs = Run(sensor, stop.Token);
            store?.Flush();
            int exit = ExitCodes.Ok;
            foreach (var (name, run) in runs)
            {
                Log.Information("{Interface}: {Packets} packets, {Bytes} bytes, {KernelDropped} dropped by the kernel, {InterfaceDropped} by the interface",
                    name, run.Packets, run.Bytes, run.KernelDropped, run.InterfaceDropped);
                foreach (var warning in run.Warnings)
                    Log.Information("{Interface}: {Warning}", name, warning);
                if (run.StoppedBy is { } why && !stop.IsCancellationRequested)
                {
                    Log.Error("capture on {Interface} stopped: {Why}", name, why);
                    exit = ExitCodes.BadInput;
                }
            }
            var stats = sensor.Snapshot();
            Log.Information("{Sessions} sessions, {Findings} findings; {SensorDropped} frames dropped by the sensor (queues full), {FlowsEvicted} flows evicted at the memory budget",
                stats.Sessions, stats.Findings, stats.SensorDropped, stats.FlowsEvicted);
            return exit;
        }
        finally
        {
            foreach (var capture in captures)
                capture.Dispose();
        }
    }

    private static IReadOnlyList<(string Interface, LiveCaptureResult Result)> Run(LiveSensor sensor, CancellationToken token)
    {
        try
        {
            return sensor.Run(token);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>The engine's sizing from the command line; a bad value is a usage error, not a crash.</summary>
    private static LiveSensorOptions EngineOptions(ParseResult result)
    {
        var options = new LiveSensorOptions();
        options = result.GetValue(Workers) is { } workers ? options with { Workers = workers } : options;
        options = result.GetValue(MemoryBudget) is { } mib ? options with { MemoryBudgetBytes = (long)mib << 20 } : options;
        options = result.GetValue(Evidence) is { } directory ? options with { EvidenceDirectory = directory } : options;
        try
        {
            LiveMemoryPlan.For(options, ReassemblyLimits.Default);
            return options;
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static LiveJsonLinesSink OpenJsonlFile(string path)
    {
        try
        {
            return LiveJsonLinesSink.AppendTo(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot open '{path}' for JSON Lines: {e.Message}");
        }
    }

    /// <summary>The HMAC key for secret fingerprints lives beside the store (or in the default data folder).</summary>
    private static string KeyPath(string? dbPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(dbPath ?? SensorStore.DefaultPath()))!;
        return Path.Combine(folder, "fingerprint.key");
    }
}
