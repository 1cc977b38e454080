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
    /// <summary>Every connection of the independent probes (each probe connects several times), by what it saw of STARTTLS.</summary>
    public ConnectionCounts Connections { get; set; } = new();
    /// <summary>For different-server-answers (and noted with other verdicts): each trait of the answering host that differs here from elsewhere.</summary>
    public List<string> Differences { get; set; } = [];
    public string Summary { get; set; } = "";

    /// <summary>The id of the run that made the verdict (<see cref="RunRecord"/>); null where no run is kept.</summary>
    public string? Run { get; set; }
}

/// <summary>How many connections saw STARTTLS and completed TLS, saw none, or failed.</summary>
public sealed class ConnectionCounts
{
    public int Total { get; set; }
    public int Starttls { get; set; }
    public int NoStarttls { get; set; }
    public int Failed { get; set; }
}

/// <summary>What the capture saw of the server: the STARTTLS findings (kind or kind/variant), refusals, certificates.</summary>
public sealed class PassiveRecord
{
    public int Sessions { get; set; }
    /// <summary>Sessions that lacked STARTTLS (absent, stripped or refused).</summary>
    public int SessionsLackingStarttls { get; set; }
    /// <summary>Sessions that completed TLS after STARTTLS.</summary>
    public int SessionsTls { get; set; }
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
    /// <summary>The outcome of each connection the probe made, in order.</summary>
    public List<string> Attempts { get; set; } = [];
    /// <summary>Made from the sensor's own network: it crossed the capture's path, so it is reported but not counted.</summary>
    public bool SamePath { get; set; }
}
