namespace Sensor.Cli.Service;

/// <summary>
/// The configuration of `sensor live` (deploy/sensor.json documents every key): bound from the config
/// file, then SENSOR__SECTION__KEY environment variables, then command-line options. Sections and keys
/// are case-insensitive; a key not here is an error. "Logging" is Serilog's own section
/// (Serilog.Settings.Configuration) and is not bound here.
/// </summary>
public sealed class SensorSettings
{
    public CaptureSettings Capture { get; set; } = new();
    public RulesSettings Rules { get; set; } = new();
    public StorageSettings Storage { get; set; } = new();
    public SinkSettings Sinks { get; set; } = new();
    public CapsSettings Caps { get; set; } = new();
    public MetricsSettings Metrics { get; set; } = new();
    public BusSettings Bus { get; set; } = new();
    public FleetPublishSettings Fleet { get; set; } = new();
    public CrossCheckSettings CrossCheck { get; set; } = new();
}

public sealed class CaptureSettings
{
    public string[] Interfaces { get; set; } = [];
    /// <summary>BPF filter; null: every TCP segment and the tunnels the decoder reads (CaptureFilter.Default).</summary>
    public string? Bpf { get; set; }
    /// <summary>The kernel's capture buffer per interface, in MiB.</summary>
    public int BufferMb { get; set; } = 32;
}

public sealed class RulesSettings
{
    /// <summary>Rule file (YAML) layered over the shipped defaults.</summary>
    public string? File { get; set; }
    /// <summary>Policy lists: rule files or EFF policy.json, in order.</summary>
    public string[] Policy { get; set; } = [];
    /// <summary>Reload when a rule or policy file changes (SIGHUP always reloads).</summary>
    public bool Watch { get; set; } = true;
}

public sealed class StorageSettings
{
    /// <summary>false: no LiteDB store.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>LiteDB file; null: $XDG_DATA_HOME/sensor/sensor.db.</summary>
    public string? Db { get; set; }
    /// <summary>Records older than this (by their time) are pruned while the sensor runs; null: kept for ever.</summary>
    public TimeSpan? Keep { get; set; }
    /// <summary>true: every session record is stored too, not only findings, verdicts and server history.</summary>
    public bool Sessions { get; set; }
}

public sealed class SinkSettings
{
    /// <summary>JSON Lines to stdout.</summary>
    public bool Console { get; set; }
    public JsonLinesFileSettings JsonLines { get; set; } = new();
    /// <summary>Folder for each finding's evidence pcap (mode 0600); null: no evidence rings.</summary>
    public string? Evidence { get; set; }
    /// <summary>Reveal passwords and tokens in every output (forensics only).</summary>
    public bool ShowSecrets { get; set; }
}

public sealed class JsonLinesFileSettings
{
    /// <summary>The live file; null: none.</summary>
    public string? Path { get; set; }
    /// <summary>Rotate before the file would pass this size, in MiB; 0: never by size.</summary>
    public int MaxSizeMb { get; set; } = 100;
    /// <summary>Rotate at each multiple of this since midnight UTC (e.g. "01:00:00"); null: never by time.</summary>
    public TimeSpan? RotateEvery { get; set; }
    /// <summary>Rotated files kept (NAME.1 .. NAME.N).</summary>
    public int Keep { get; set; } = 10;
}

public sealed class CapsSettings
{
    /// <summary>Worker threads flows are spread over; null: one per core, at most 8.</summary>
    public int? Workers { get; set; }
    /// <summary>MiB the engine may keep (flows, buffers, evidence rings, queues); null: 1024.</summary>
    public int? MemoryBudgetMb { get; set; }
    /// <summary>MiB of frames waiting per worker before frames are dropped (and counted); null: 16.</summary>
    public int? QueueMbPerWorker { get; set; }
    /// <summary>Flows tracked at once; past it the oldest idle flow is evicted.</summary>
    public int? MaxFlows { get; set; }
    /// <summary>Bytes held for reassembly across all flows, in MiB.</summary>
    public int? MaxBufferedMb { get; set; }
    /// <summary>Bytes held for unfinished IP datagrams (fragments) per worker, in MiB; null: 4.</summary>
    public int? MaxFragmentBufferMb { get; set; }
}

public sealed class MetricsSettings
{
    /// <summary>Prometheus scrape endpoint (e.g. "127.0.0.1:9464"; another address is warned about once); null: none.</summary>
    public string? Prometheus { get; set; }
    /// <summary>How often the stats line is logged (Information); 0: never.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The NATS server the --via agents answer on and fleet records go to, and one kind of credential.</summary>
public sealed class BusSettings
{
    /// <summary>nats://HOST:PORT (tls://, ws://, wss://), without credentials in it; null: no bus.</summary>
    public string? Url { get; set; }
    /// <summary>NATS credentials file (JWT + NKey seed).</summary>
    public string? Creds { get; set; }
    /// <summary>NATS user name, with <see cref="PasswordFile"/>.</summary>
    public string? User { get; set; }
    public string? PasswordFile { get; set; }
    public string? TokenFile { get; set; }
}

/// <summary>Fleet mode: sessions, findings and verdicts also published on the bus.</summary>
public sealed class FleetPublishSettings
{
    public bool Publish { get; set; }
    /// <summary>This sensor's name on the bus; null: the host name.</summary>
    public string? SensorName { get; set; }
    /// <summary>Records kept on disk while the bus is away; null: Sensor.Core.Fleet.FleetSettings.DefaultOutboxCap.</summary>
    public int? OutboxMax { get; set; }
}

/// <summary>Probing on the fly (--crosscheck): the agents asked besides here, and the bounds.</summary>
public sealed class CrossCheckSettings
{
    public bool Enabled { get; set; }
    /// <summary>Agent names (sensor agent --name) asked over the bus.</summary>
    public string[] Via { get; set; } = [];
    /// <summary>A server:port is probed from one vantage at most once in this time; null: one hour.</summary>
    public TimeSpan? Ttl { get; set; }
    /// <summary>Each step of a probe (the whole probe gets five times that); null: 10 s.</summary>
    public TimeSpan? StepTimeout { get; set; }
    /// <summary>How long the stop waits for probes still running; null: 20 s.</summary>
    public TimeSpan? Wait { get; set; }
    /// <summary>The vantage name of probes made from here; null: "local".</summary>
    public string? LocalVantage { get; set; }
}
