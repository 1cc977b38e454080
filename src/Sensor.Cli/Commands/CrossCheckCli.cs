using System.CommandLine;
using NATS.Client.Core;
using Sensor.Cli.Commands.Options;
using Sensor.Cli.Service;
using Sensor.Core.Agents;
using Sensor.Core.CrossCheck;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Socks;

namespace Sensor.Cli.Commands;

/// <summary>The options of probing on the fly (`--crosscheck`, `--via`, the bus), shared by replay and live.</summary>
public sealed class CrossCheckCli
{
    private readonly Option<bool> _crossCheck = new("--crosscheck") { Description = "probe each server the capture raises a question about (STARTTLS absent, stripped or refused, a certificate) now, from here and through the --via agents, and judge with those answers too" };
    private readonly Option<string[]> _via = new Option<string[]>("--via") { Description = "with --crosscheck: also probe through this agent (sensor agent) over the NATS server given by --bus, or through the SOCKS5 proxy socks5://HOST:PORT or tor (127.0.0.1:9050) (repeatable)", HelpName = "NAME" }
        .Checked(ViaAgent.NameError);
    private readonly Option<TimeSpan?> _ttl = TypedOptions.Duration("--crosscheck-ttl", "with --crosscheck: probe a server:port from one vantage at most once in this time, and reuse a stored result this fresh, e.g. 1h, 30m (default: 1h)");
    private readonly Option<TimeSpan?> _timeout = TypedOptions.Seconds("--crosscheck-timeout", "with --crosscheck: seconds for each step of a probe (the whole probe gets five times that; default 10)", MaxStep);
    private readonly Option<int?> _attempts = TypedOptions.Count("--crosscheck-attempts", $"with --crosscheck: connections each vantage makes to the server, so one that varies between connections is told from the path (1 to {ProbeOptions.MaxAttempts}; default {DefaultAttempts})", 1, ProbeOptions.MaxAttempts);
    private readonly Option<TimeSpan?> _wait;
    private readonly Option<string?> _localVantage = ProbeCliOptions.Vantage("--local-vantage", "the vantage name of probes made from the sensor's own network (default: local); they cross the capture's own path, so they are shown but do not settle a verdict");
    private readonly BusOptions _bus = new();
    private readonly TimeSpan _defaultWait;

    /// <param name="defaultWait">how long the end of the capture waits for probes by default (live keeps it short: a service manager waits on the stop)</param>
    public CrossCheckCli(TimeSpan defaultWait)
    {
        _defaultWait = defaultWait;
        _wait = TypedOptions.Duration("--crosscheck-wait", $"with --crosscheck: how long to wait at the end of the capture for probes still running, e.g. 90s, 5m (default: {defaultWait.TotalSeconds:0}s); what is unanswered then is a timeout");
    }

    public IEnumerable<Option> All => [_crossCheck, _via, _ttl, _timeout, _attempts, _wait, _localVantage, .. _bus.All];

    /// <summary>The bus and its credentials: the --via agents' and, in fleet mode, where records are published.</summary>
    public BusOptions Bus => _bus;

    /// <summary>Whether --via names agents on the command line (then --bus is theirs, and publishes only with --publish).</summary>
    public bool NamesAgents(ParseResult result) => result.GetValue(_via) is { Length: > 0 };

    /// <summary>The vantage names whose probes cross the capture's own path.</summary>
    public IReadOnlySet<string> SamePathVantages(ParseResult result, CrossCheckSettings? config = null) =>
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { CrossCheckOptions.LocalVantage, LocalVantage(result, config) };

    /// <summary>
    /// What --crosscheck asks for, or null without it; a UsageException with one line for bad values.
    /// A live sensor's config file (<paramref name="config"/>, <paramref name="configBus"/>) may ask for it
    /// too; each option given on the command line wins over its key there.
    /// </summary>
    public OnTheFlyPlan? Read(ParseResult result, CrossCheckSettings? config = null, BusSettings? configBus = null)
    {
        var cliVia = result.GetValue(_via) ?? [];
        // --bus alone is fleet mode (FleetOptions), so only the cross-check's own options need --crosscheck
        if (!result.GetValue(_crossCheck) && config?.Enabled != true)
        {
            if (cliVia.Length > 0 || result.GetResult(_ttl) is not null || result.GetResult(_timeout) is not null || result.GetResult(_wait) is not null
                || result.GetResult(_attempts) is not null)
                throw new UsageException("--via, --crosscheck-ttl, --crosscheck-timeout, --crosscheck-attempts and --crosscheck-wait go with --crosscheck");
            return null;
        }
        // the config file's agent names were checked with the file (SettingsValidator), the command line's as it was parsed
        var via = cliVia.Length > 0 ? cliVia : config?.Via ?? [];
        var agents = via.Where(v => !SocksProxy.IsProxy(v)).ToList();
        var step = result.GetValue(_timeout) ?? config?.StepTimeout ?? DefaultStep;
        var attempts = result.GetValue(_attempts) ?? DefaultAttempts;
        var settings = new OnTheFlySettings
        {
            Ttl = result.GetValue(_ttl) ?? config?.Ttl ?? new OnTheFlySettings().Ttl,
            EndWait = result.GetValue(_wait) ?? config?.Wait ?? _defaultWait,
            ProbeTimeout = AgentVantage.WaitFor(step, attempts) + TimeSpan.FromSeconds(5),
        };
        var busValues = configBus is null ? _bus.Values(result) : _bus.Values(result).Over(configBus);
        if (agents.Count > 0 && busValues.Url is null && cliVia.Length == 0)
            throw new UsageException("CrossCheck:Via needs the bus: Bus:Url in the config file, or --bus");
        var bus = agents.Count == 0 ? null : BusOptions.Build(busValues, "sensor-crosscheck", TimeSpan.FromSeconds(10));
        if (via.Length == 0)
            Serilog.Log.Warning("--crosscheck without --via probes only from here: those probes cross the capture's own path, so they show what the path does now but settle no verdict");
        return new OnTheFlyPlan([.. via.Distinct(StringComparer.Ordinal)], bus, settings, step, LocalVantage(result, config), attempts);
    }

    /// <summary>Probe results in the store (own probes and imported ones), and with --crosscheck probes made now, are compared with the capture.</summary>
    public static CrossCheckSetup? Setup(Sensor.Core.Storage.SensorStore? store, OnTheFlyRun? onTheFly, TimeSpan maxAge, IReadOnlySet<string> samePathVantages)
    {
        if (store is null && onTheFly is null)
            return null;
        var options = CrossCheckOptions.Default with { MaxAge = maxAge, SamePathVantages = samePathVantages };
        return new CrossCheckSetup((IProbeHistory?)store ?? NoProbeHistory.Instance, TimeProvider.System, options, onTheFly?.Prober, store is null ? null : store.AddProbes);
    }

    /// <summary>The SOCKS proxy a --via names; a UsageException for a bad URL.</summary>
    internal static SocksProxy ReadProxy(string via)
    {
        try
        {
            return SocksProxy.Parse(via);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private string LocalVantage(ParseResult result, CrossCheckSettings? config) =>
        result.GetValue(_localVantage) ?? config?.LocalVantage ?? CrossCheckOptions.LocalVantage;

    /// <summary>Each step of a probe on the fly, unless --crosscheck-timeout or the config file say otherwise.</summary>
    public static readonly TimeSpan DefaultStep = TimeSpan.FromSeconds(10);

    /// <summary>Connections each vantage makes to a server, unless --crosscheck-attempts says otherwise.</summary>
    public const int DefaultAttempts = 3;

    /// <summary>The longest step of a probe --crosscheck-timeout and CrossCheck:StepTimeout allow.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromMinutes(10);
}

/// <summary>Probing on the fly as asked for: the agents, the bus, the bounds, the name of "here".</summary>
public sealed record OnTheFlyPlan(IReadOnlyList<string> Via, NatsOpts? Bus, OnTheFlySettings Settings, TimeSpan Step, string LocalVantage, int Attempts = CrossCheckCli.DefaultAttempts)
{
    /// <summary>Connects to the bus (when agents are named) and starts the prober; a UsageException when the bus refuses.</summary>
    public OnTheFlyRun Start(TimeProvider clock)
    {
        NatsConnection? nats = null;
        if (Bus is { } opts)
        {
            try
            {
                nats = AgentBus.ConnectAsync(opts, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                throw new UsageException(BusOptions.Describe(e, opts.Url));
            }
        }
        var options = ProbeOptions.WithStepTimeout(Step) with { Attempts = Attempts };
        IReadOnlyList<IProbeVantage> vantages =
        [
            new LocalVantage(LocalVantage, options),
            .. Via.Select(via => SocksProxy.IsProxy(via)
                ? (IProbeVantage)new SocksVantage(SocksProxy.Parse(via), options)
                : new AgentVantage(nats!, via, Step, Attempts)),
        ];
        return new OnTheFlyRun(new OnTheFlyProber(vantages, Settings, clock), nats);
    }
}

/// <summary>A running prober and the bus connection it uses; disposing stops both.</summary>
public sealed class OnTheFlyRun(OnTheFlyProber prober, NatsConnection? nats) : IDisposable
{
    public OnTheFlyProber Prober => prober;

    public void Dispose()
    {
        prober.Dispose();
        nats?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
