using System.Text.Json.Serialization;

namespace Sensor.Core.Output;

/// <summary>The "verdict" record (docs/output.md): what the capture saw of one server against what probes from elsewhere saw.</summary>
public sealed class VerdictRecord
{
    public string Type { get; set; } = "verdict";
    public string Id { get; set; } = "";
    public string Ts { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string Server { get; set; } = "";
    public string? ServerName { get; set; }
    public string Verdict { get; set; } = "";
    [JsonConverter(typeof(FractionJsonConverter))]
    public double Confidence { get; set; }
    public PassiveRecord Passive { get; set; } = new();
    public List<VerdictProbeRecord> Probes { get; set; } = [];
    public int Agreeing { get; set; }
    public int Total { get; set; }
    public string Summary { get; set; } = "";
}

/// <summary>What the capture saw of the server: the STARTTLS findings (kind or kind/variant), refusals, certificates.</summary>
public sealed class PassiveRecord
{
    public int Sessions { get; set; }
    public List<string> Findings { get; set; } = [];
    public bool StarttlsRefused { get; set; }
    public List<string> CertSha256 { get; set; } = [];
}

/// <summary>One probe result a verdict was based on.</summary>
public sealed class VerdictProbeRecord
{
    public string Vantage { get; set; } = "";
    public string Ts { get; set; } = "";
    public string Outcome { get; set; } = "";
    public bool StarttlsOffered { get; set; }
    public bool TlsEstablished { get; set; }
    public string? CertSha256 { get; set; }
    /// <summary>Made from the sensor's own network: it crossed the capture's path, so it is reported but not counted.</summary>
    public bool SamePath { get; set; }
}
