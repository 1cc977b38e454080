using System.Text.Json.Serialization;
using Sensor.Core.Catalogue;

namespace Sensor.Core.Output;

/// <summary>
/// The "session" record (docs/output.md), as written to JSON Lines and LiteDB (secrets already
/// redacted). <c>ts</c> is when the session started; the client is the source.
/// </summary>
public sealed class SessionRecord : IFlowRecord
{
    public string Type { get; set; } = "session";
    public string Ts { get; set; } = "";
    public string Id { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string SrcIp { get; set; } = "";
    public int SrcPort { get; set; }
    public string DestIp { get; set; } = "";
    public int DestPort { get; set; }
    public string CommunityId { get; set; } = "";
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

    /// <summary>What the server's SYN/ACK showed of its TCP/IP stack; null when the capture did not see it.</summary>
    public TcpTraitsRecord? ServerTcp { get; set; }

    /// <summary>The id of the run that made the record (<see cref="RunRecord"/>); null in records stored before runs were kept.</summary>
    public string? Run { get; set; }
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

/// <summary>
/// The "finding" record (docs/output.md; kinds and evidence in docs/findings.md). <c>ts</c> is when
/// the problem crossed the wire; the flow fields are its session's.
/// </summary>
public sealed class FindingRecord : IFlowRecord
{
    public string Type { get; set; } = "finding";
    public string Ts { get; set; } = "";
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? Variant { get; set; }
    public string Severity { get; set; } = "";
    [JsonConverter(typeof(FractionJsonConverter))]
    public double Confidence { get; set; }
    public string Protocol { get; set; } = "";
    public string SrcIp { get; set; } = "";
    public int SrcPort { get; set; }
    public string DestIp { get; set; } = "";
    public int DestPort { get; set; }
    public string CommunityId { get; set; } = "";
    public string Client { get; set; } = "";
    public string Server { get; set; } = "";
    public string? ServerName { get; set; }
    public string Session { get; set; } = "";
    public string Summary { get; set; } = "";

    /// <summary>Strings, integers (long) and booleans, each key of one type (Catalogue/EvidenceKeys.cs).</summary>
    [JsonConverter(typeof(EvidenceJsonConverter))]
    public Dictionary<string, object?> Evidence { get; set; } = [];

    /// <summary>The id of the run that made the record (<see cref="RunRecord"/>); null in records stored before runs were kept.</summary>
    public string? Run { get; set; }

    /// <summary>The user name of a credential finding, also in a record read back from JSON.</summary>
    public string? User() => Evidence.GetValueOrDefault(EvidenceKeys.User)?.ToString();
}

/// <summary>The flow fields sessions and findings share, filled from the session by <see cref="RecordMapper"/>.</summary>
public interface IFlowRecord
{
    string SrcIp { get; set; }
    int SrcPort { get; set; }
    string DestIp { get; set; }
    int DestPort { get; set; }
    string CommunityId { get; set; }
    string Client { get; set; }
    string Server { get; set; }
}
