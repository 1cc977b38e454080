namespace Sensor.Core.Storage;

/// <summary>What the store keeps of a server, under one key (endpoint or greeting host name; see ServerKeys).</summary>
public sealed class ServerHistoryRecord
{
    public string Id { get; set; } = "";
    public bool StarttlsOffered { get; set; }
    public DateTime FirstSeen { get; set; }
    public DateTime LastSeen { get; set; }
    public DateTime? LastOffered { get; set; }

    /// <summary>The run whose session of <see cref="LastOffered"/> offered STARTTLS (null in stores older than run ids).</summary>
    public string? OfferedRun { get; set; }
    public long Sessions { get; set; }
    public string? LastCertSha256 { get; set; }
}
