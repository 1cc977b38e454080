namespace Sensor.Core.Output;

/// <summary>
/// The "evidence" record: the pcap of one finding's session. A replay writes these files in a second
/// pass over the capture once the run is over, so it names a file only when it has been written: the
/// finding records came before it, and this record joins them by <see cref="Finding"/>. (A live capture
/// writes a finding's pcap before the finding and names it in the finding's evidence.)
/// </summary>
public sealed class EvidenceRecord
{
    public string Type { get; set; } = "evidence";

    /// <summary>The finding's time.</summary>
    public string Ts { get; set; } = "";

    public string Finding { get; set; } = "";
    public string Session { get; set; } = "";
    public string Pcap { get; set; } = "";
    public long Packets { get; set; }

    /// <summary>The id of the run that wrote the pcap (<see cref="RunRecord"/>); null where no run is kept.</summary>
    public string? Run { get; set; }
}
