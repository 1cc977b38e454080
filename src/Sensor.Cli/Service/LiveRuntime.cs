using System.Net;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sensor.Cli.Commands;
using Sensor.Core.Capture;
using Sensor.Core.CrossCheck;
using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Core.Metrics;
using Sensor.Core.Output;
using Sensor.Core.Reassembly;
using Sensor.Core.Fleet;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Service;

/// <summary>
/// Everything a live sensor opens before it reports ready: the interfaces (first, so a wrong name, no
/// permission or a bad filter fails before any file is touched), the store, the sinks, the rules, the
/// pipeline and the metrics endpoint. Disposed in reverse order of opening.
/// </summary>
public sealed class LiveRuntime : IDisposable
{
    private readonly Stack<IDisposable> _owned = new();

    private LiveRuntime(SensorSettings settings, LiveCrossCheck? crossCheck, FleetSettings? fleet) => (Settings, _crossCheck, _fleet) = (settings, crossCheck, fleet);

    private readonly LiveCrossCheck? _crossCheck;
    private FleetPublisher? _publisher;
    private OnTheFlyProber? _prober;
    private readonly FleetSettings? _fleet;

    public SensorSettings Settings { get; }
    public IReadOnlyList<LiveCapture> Captures { get; private set; } = [];
    public RuleSources RuleSources { get; private set; } = null!;
    public RuleSetHolder Rules { get; private set; } = null!;
    public SensorStore? Store { get; private set; }
    public LiveSensor Sensor { get; private set; } = null!;
    /// <summary>The rotating JSON Lines file, reopened on SIGHUP; null without one.</summary>
    public RotatingFileStream? JsonlFile { get; private set; }

    /// <param name="whereInterface">where the i-th interface was configured, for its error line (null: the command line)</param>
    /// <param name="crossCheck">with --crosscheck: how to probe on the fly</param>
    /// <param name="fleet">with --bus: where the records are published too</param>
    public static LiveRuntime Open(SensorSettings settings, Func<int, string?> whereInterface, LiveCrossCheck? crossCheck = null, FleetSettings? fleet = null)
    {
        var runtime = new LiveRuntime(settings, crossCheck, fleet);
        try
        {
            runtime.OpenAll(whereInterface);
            return runtime;
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
    }

    private void OpenAll(Func<int, string?> whereInterface)
    {
        Captures = OpenCaptures(whereInterface);
        RuleSources = new RuleSources(Settings.Rules.File, Settings.Rules.Policy);
        Rules = new RuleSetHolder(LoadRules(RuleSources));
        var dbPath = Settings.Storage.Enabled ? Settings.Storage.Db ?? SensorStore.DefaultPath() : null;
        Store = dbPath is null ? null : Own(SensorStore.Open(dbPath));
        var run = Store is null ? null : StartRun(Store);
        var metrics = Own(new SensorMetrics());
        var mapper = new RecordMapper(new SecretRedactor(Settings.Sinks.ShowSecrets, SecretRedactor.KeyFor(dbPath)), run?.Id);
        Sensor = StartEngine(mapper, [.. BuildSinks(), metrics]);
        metrics.Observe(Sensor);
        if (_publisher is not null)
            metrics.ObserveBus(_publisher);
        if (_prober is not null)
            metrics.ObserveCrossCheck(_prober);
        if (Settings.Metrics.Prometheus is { } endpoint)
            Own(StartPrometheus(endpoint));
    }

    /// <summary>The run record, stored now; its end is stored after the engine has stopped and flushed (disposal runs in reverse).</summary>
    private RunRecord StartRun(SensorStore store)
    {
        var run = StoreRun.Start(store, RunRecords.ForLive(StoreRun.SensorName(_fleet, Settings.Fleet.SensorName), [.. Captures.Select(c => c.InterfaceName)]));
        Own(new RunEnd(store, run));
        return run;
    }

    private sealed class RunEnd(SensorStore store, RunRecord run) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                store.FinishRun(run);
            }
            catch (Exception e) when (e is StoreException or IOException or LiteDB.LiteException)
            {
                Log.Error("the run's end was not stored: {Message}", e.Message);
            }
        }
    }

    /// <summary>The live engine over the opened interfaces, judging by the reloadable rules, sized by the Caps section.</summary>
    private LiveSensor StartEngine(RecordMapper mapper, IReadOnlyList<IRecordSink> sinks) =>
        Own(new LiveSensor(Captures, Rules, Store, mapper, sinks, EngineOptions(), Limits(Settings.Caps), StartCrossCheck()));

    /// <summary>With --crosscheck, the prober (stopped after the engine: disposal runs in reverse) and what it compares with.</summary>
    private CrossCheckSetup? StartCrossCheck()
    {
        if (_crossCheck is null)
            return null;
        var onTheFly = Own(_crossCheck.Plan.Start(TimeProvider.System));
        _prober = onTheFly.Prober;
        return CrossCheckCli.Setup(Store, onTheFly, CrossCheckOptions.DefaultMaxAge, _crossCheck.SamePathVantages);
    }

    private LiveSensorOptions EngineOptions()
    {
        var (caps, defaults) = (Settings.Caps, new LiveSensorOptions());
        var options = defaults with
        {
            Workers = caps.Workers ?? defaults.Workers,
            MemoryBudgetBytes = caps.MemoryBudgetMb * (1L << 20) ?? defaults.MemoryBudgetBytes,
            QueueBytesPerWorker = caps.QueueMbPerWorker << 20 ?? defaults.QueueBytesPerWorker,
            EvidenceDirectory = Settings.Sinks.Evidence is { } folder ? Commands.EvidenceDirectory.Prepare(folder) : null,
        };
        try
        {
            options.PlanMemory(Limits(caps));
            return options;
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(e.Message);
        }
    }

    /// <summary>Where sessions and findings go (besides metrics). One line a sink: add new ones here.</summary>
    /// <summary>Sessions, findings and anomalies counted for the periodic stats record.</summary>
    public RecordCounts Counts { get; } = new();

    private readonly List<IRecordSink> _sinks = [];

    /// <summary>Writes the stats record (counts since start) to the JSON Lines outputs.</summary>
    public void WriteStats()
    {
        var record = StatsRecord.ForLive(DateTime.UtcNow.Ticks, Sensor.Snapshot(), Counts);
        foreach (var sink in _sinks)
            sink.OnStats(record);
    }

    private List<IRecordSink> BuildSinks()
    {
        var sinks = _sinks;
        sinks.Add(Counts);
        if (Settings.Sinks.Console)
            sinks.Add(Own(new LiveJsonLinesSink(Console.OpenStandardOutput())));
        else
            sinks.Add(new FindingLineSink(Console.Out)); // without --json, people read stdout: a line a finding
        if (Settings.Sinks.JsonLines.Path is { } path)
            sinks.Add(Own(new LiveJsonLinesSink(JsonlFile = OpenJsonlFile(path, Settings.Sinks.JsonLines))));
        if (Store is not null)
            sinks.Add(new LiveStoreSink(Store, Settings.Storage.Sessions));
        if (FleetOptions.Start(_fleet) is { } fleet)
            sinks.Add(new FleetSink(_publisher = Own(fleet)));
        return sinks;
    }

    /// <summary>Reads the rule files again; a file that does not validate leaves the current rules in place and is one error line.</summary>
    public void ReloadRules(string trigger)
    {
        try
        {
            var rules = RuleSources.Load();
            Rules.Replace(rules);
            Log.Information("rules reloaded ({Trigger}): {Mangles} mangling patterns, {Policy} policy entries",
                trigger, rules.MangleRules.Count, rules.Policy.Count);
        }
        catch (RuleFileException e)
        {
            Log.Error("rules not reloaded ({Trigger}), the previous rules stay: {Error}", trigger, e.Errors[0].ToString());
        }
    }

    private List<LiveCapture> OpenCaptures(Func<int, string?> whereInterface)
    {
        var options = new LiveCaptureOptions
        {
            Filter = Settings.Capture.Bpf,
            KernelBufferBytes = Settings.Capture.BufferMb * 1024 * 1024,
        };
        var captures = new List<LiveCapture>();
        foreach (var (name, index) in Settings.Capture.Interfaces.Distinct().Select((name, index) => (name, index)))
        {
            var capture = Own(new LiveCapture(name, options));
            captures.Add(capture);
            try
            {
                capture.Open();
            }
            catch (CaptureException e) when (whereInterface(index) is { } where)
            {
                throw new ConfigException($"{where}: {e.Message}");
            }
        }
        return captures;
    }

    private static RuleSet LoadRules(RuleSources sources)
    {
        try
        {
            return sources.Load();
        }
        catch (RuleFileException e)
        {
            throw new ConfigException($"{e.Errors[0]} (check the file with 'sensor rules check')");
        }
    }

    private static ReassemblyLimits Limits(CapsSettings caps) => ReassemblyLimits.Default with
    {
        MaxFlows = caps.MaxFlows ?? ReassemblyLimits.Default.MaxFlows,
        MaxTotalBufferedBytes = caps.MaxBufferedMb * 1024L * 1024 ?? ReassemblyLimits.Default.MaxTotalBufferedBytes,
        IpFragments = DefragmentLimits.Default with
        {
            MaxBufferedBytes = caps.MaxFragmentBufferMb * 1024L * 1024 ?? DefragmentLimits.Default.MaxBufferedBytes,
        },
    };

    private static RotatingFileStream OpenJsonlFile(string path, JsonLinesFileSettings file)
    {
        try
        {
            return new RotatingFileStream(path, new RotationPolicy(file.MaxSizeMb * 1024L * 1024, file.RotateEvery, file.Keep));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot open '{path}' for JSON Lines: {e.Message}");
        }
    }

    private static MeterProvider StartPrometheus(string endpoint)
    {
        var listen = SettingsValidator.PrometheusEndpoint(endpoint)!;
        if (!IPAddress.IsLoopback(listen.Address))
            Log.Warning("metrics on {Endpoint} can be scraped from other hosts: the endpoint has no authentication or TLS; limit who reaches it (firewall, or a proxy with TLS in front)", endpoint);
        try
        {
            return Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(resource => resource.AddService("sensor"))
                .AddMeter(SensorMetrics.MeterName)
                .AddPrometheusHttpListener(options =>
                {
                    options.Host = listen.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{listen.Address}]" : listen.Address.ToString();
                    options.Port = listen.Port;
                    options.ScrapeResponseCacheDurationMilliseconds = 0; // every scrape sees the counts of now
                })
                .Build();
        }
        catch (Exception e) when (e is InvalidOperationException or System.Net.HttpListenerException)
        {
            throw new ConfigException($"Metrics:Prometheus: cannot listen on {endpoint}: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Push(disposable);
        return disposable;
    }

    public void Dispose()
    {
        while (_owned.TryPop(out var disposable))
            disposable.Dispose();
    }
}

/// <summary>`--crosscheck` as the command line asked for it: the probing plan and the vantages on the capture's own path.</summary>
public sealed record LiveCrossCheck(OnTheFlyPlan Plan, IReadOnlySet<string> SamePathVantages);
