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
}

public sealed class CaptureSettings
{
    public string[] Interfaces { get; set; } = [];
    /// <summary>BPF filter; null: every TCP segment (LiveCommand.DefaultFilter).</summary>
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
}

public sealed class MetricsSettings
{
    /// <summary>Prometheus scrape endpoint, loopback only (e.g. "127.0.0.1:9464"); null: none.</summary>
    public string? Prometheus { get; set; }
    /// <summary>How often the stats line is logged (Information); 0: never.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromMinutes(1);
}
