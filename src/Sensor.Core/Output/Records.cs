namespace Sensor.Core.Output;

/// <summary>The "session" record of DESIGN.md, as written to JSON Lines and LiteDB (secrets already redacted).</summary>
public sealed class SessionRecord
{
    public string Type { get; set; } = "session";
    public string Id { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string Client { get; set; } = "";
    public string Server { get; set; } = "";
    public string Start { get; set; } = "";
    public string End { get; set; } = "";
    public string? Banner { get; set; }
    public string? ServerName { get; set; }
    public List<string> Capabilities { get; set; } = [];
    public bool StarttlsOffered { get; set; }
    public bool StarttlsAttempted { get; set; }
    public string? StarttlsReply { get; set; }
    public bool TlsEstablished { get; set; }
    public bool ImplicitTls { get; set; }
    public string? TlsVersion { get; set; }
    public string? TlsCipher { get; set; }
    public string? TlsSni { get; set; }
    public string? TlsCertSha256 { get; set; }
    public string? TlsCertSubject { get; set; }
    public string? TlsCertIssuer { get; set; }
    public string? TlsCertNotAfter { get; set; }
    public List<AuthRecord> Auth { get; set; } = [];
    public int Messages { get; set; }
    public long BytesClient { get; set; }
    public long BytesServer { get; set; }
    public bool MidStream { get; set; }
    public List<string> Anomalies { get; set; } = [];
}

public sealed class AuthRecord
{
    public string Mechanism { get; set; } = "";

    /// <summary>The user name exactly as sent (UTF-8 decoded); an escaped rendering when its bytes were not UTF-8.</summary>
    public string? User { get; set; }

    /// <summary>The user name's bytes when they were not valid UTF-8, else null.</summary>
    public string? UserBase64 { get; set; }

    /// <summary>True or false once the server answered; null when the answer was not seen.</summary>
    public bool? Accepted { get; set; }
}

/// <summary>The "finding" record of DESIGN.md.</summary>
public sealed class FindingRecord
{
    public string Type { get; set; } = "finding";
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? Variant { get; set; }
    public string Severity { get; set; } = "";
    public double Confidence { get; set; }
    public string Protocol { get; set; } = "";
    public string Client { get; set; } = "";
    public string Server { get; set; } = "";
    public string? ServerName { get; set; }
    public string Session { get; set; } = "";
    public string Ts { get; set; } = "";
    public string Summary { get; set; } = "";
    public Dictionary<string, string?> Evidence { get; set; } = [];
}
