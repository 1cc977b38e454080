namespace Sensor.Core.Output;

/// <summary>
/// The "run" record (docs/output.md, docs/store.md): one replay or one live capture, which every
/// session and finding it made names in <c>run</c>. Stored when the run starts, so a run that was
/// killed is there too, with <see cref="End"/> null. Times are the wall clock's, not the capture's.
/// </summary>
public sealed class RunRecord
{
    public string Type { get; set; } = "run";

    /// <summary>When the run started (as <see cref="Start"/>).</summary>
    public string Ts { get; set; } = "";

    public string Id { get; set; } = "";

    /// <summary>"replay" or "live".</summary>
    public string Mode { get; set; } = "";

    /// <summary>The name the sensor goes by (--sensor-name, Fleet:SensorName, else the host name).</summary>
    public string Sensor { get; set; } = "";

    public string Start { get; set; } = "";

    /// <summary>When the run ended and committed its last records; null while it runs, or when it was killed.</summary>
    public string? End { get; set; }

    /// <summary>A replay's capture files, in the order given; empty for a live capture.</summary>
    public List<CaptureFileRecord> Captures { get; set; } = [];

    /// <summary>A live capture's interfaces; empty for a replay.</summary>
    public List<string> Interfaces { get; set; } = [];
}

/// <summary>One capture file of a replay: its path as given, its size and SHA-256 (null for stdin or a FIFO, read once).</summary>
public sealed class CaptureFileRecord
{
    public string File { get; set; } = "";
    public long? Bytes { get; set; }
    public string? Sha256 { get; set; }
}
