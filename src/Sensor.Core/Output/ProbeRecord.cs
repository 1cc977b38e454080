using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Output;

/// <summary>The "probe" record (docs/output.md), as written to JSON Lines and LiteDB.</summary>
public sealed class ProbeRecord
{
    public string Type { get; set; } = "probe";
    public string Vantage { get; set; } = "local";
    public string Ts { get; set; } = "";
    public string Target { get; set; } = "";
    public string? Server { get; set; }
    public string? ServerName { get; set; }
    /// <summary>Probed through a SOCKS proxy: the address the proxy connected from, when it said; absent otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Exit { get; set; }
    public string Protocol { get; set; } = "";
    public int Port { get; set; }
    public bool ImplicitTls { get; set; }
    /// <summary>What the probe's SYN/ACK (or TCP_INFO) showed of the answering host's TCP/IP stack; null through a proxy or where neither could be read.</summary>
    public TcpTraitsRecord? ServerTcp { get; set; }
    public string? Banner { get; set; }
    public List<string> Capabilities { get; set; } = [];
    public bool StarttlsOffered { get; set; }
    public bool StarttlsAttempted { get; set; }
    public string? StarttlsReply { get; set; }
    public bool TlsEstablished { get; set; }
    public string? TlsVersion { get; set; }
    public string? TlsCipher { get; set; }
    /// <summary>The cipher suites the probe's ClientHello offered, in order (IANA names): what the server chose <see cref="TlsCipher"/> from.</summary>
    public List<string>? TlsClientCiphers { get; set; }
    public string? KeyExchange { get; set; }
    public bool? KeyExchangeAssumed { get; set; }
    public string? CertSha256 { get; set; }
    public string? SpkiSha256 { get; set; }
    public string? CertSubject { get; set; }
    public string? CertIssuer { get; set; }
    public string? CertNotAfter { get; set; }
    public bool? CertTrusted { get; set; }
    public string? CertTrustError { get; set; }
    public bool? NameMatch { get; set; }
    public string? MailDomain { get; set; }
    public int? MxPreference { get; set; }
    public DaneCheck Dane { get; set; } = DaneCheck.NotChecked("not checked");
    public MtaStsCheck MtaSts { get; set; } = MtaStsCheck.NotChecked("not checked");
    public int? Score { get; set; }
    public string? Grade { get; set; }
    public string GradeBasis { get; set; } = Grading.Basis;
    /// <summary>The caps that bound the grade's letter, each "LETTER: why (source)", worst first; empty when none applies (docs/grading.md).</summary>
    public List<string> GradeCaps { get; set; } = [];
    /// <summary>What the server accepts (--enumerate); null when not enumerated.</summary>
    public AcceptedRecord? Accepted { get; set; }
    public string Outcome { get; set; } = "";
    public string? Error { get; set; }
    /// <summary>Each connection of a repeated probe (cross-check probes connect several times); absent for a single connection.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<ProbeAttempt>? Attempts { get; set; }
    /// <summary>The hop-by-hop walk of --locate (and of the field test on interference); absent when not made.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Sensor.Core.Probing.Locate.LocatedPath? Locate { get; set; }
    public double DurationMs { get; set; }

    public static ProbeRecord From(ProbeResult result, string vantage)
    {
        var tls = result.Tls;
        return new ProbeRecord
        {
            Vantage = vantage,
            Ts = Rfc3339.Format(result.StartedUtc),
            Target = result.Target.Display,
            Server = result.Server,
            ServerName = result.ServerName,
            Exit = result.Exit,
            Protocol = result.Target.Protocol.ToString().ToLowerInvariant(),
            Port = result.Target.Port,
            ImplicitTls = result.Target.ImplicitTls,
            ServerTcp = result.ServerTcp,
            Banner = result.Banner,
            Capabilities = result.Capabilities,
            StarttlsOffered = result.StartTlsOffered,
            StarttlsAttempted = result.StartTlsAttempted,
            StarttlsReply = result.StartTlsReply,
            TlsEstablished = result.TlsEstablished,
            TlsVersion = tls?.Version,
            TlsCipher = tls?.CipherSuite,
            TlsClientCiphers = tls?.OfferedCiphers is { } offered ? [.. offered] : null,
            KeyExchange = tls is null ? null : $"{tls.KeyExchange.Kind} {tls.KeyExchange.Bits}",
            KeyExchangeAssumed = tls?.KeyExchange.Assumed,
            CertSha256 = tls?.CertSha256,
            SpkiSha256 = tls?.SpkiSha256,
            CertSubject = tls?.CertSubject,
            CertIssuer = tls?.CertIssuer,
            CertNotAfter = tls is null ? null : Rfc3339.Format(tls.CertNotAfter),
            CertTrusted = tls?.CertTrusted,
            CertTrustError = tls?.CertTrustError,
            NameMatch = tls?.NameMatch,
            MailDomain = result.MailDomain,
            MxPreference = result.MxPreference,
            Dane = result.Dane,
            MtaSts = result.MtaSts,
            Score = result.Grade?.Score,
            Grade = result.Grade?.Letter,
            GradeBasis = result.GradeBasis,
            GradeCaps = [.. result.Grade?.Caps ?? []],
            Accepted = result.Enumeration is { } e ? AcceptedRecord.From(e) : null,
            Outcome = result.Outcome,
            Error = result.Error,
            Attempts = result.Attempts,
            Locate = result.Locate,
            DurationMs = Math.Round(result.Elapsed.TotalMilliseconds, 1),
        };
    }
}

/// <summary>
/// "accepted": the versions and cipher classes a server accepted, those it refused, what was not
/// tested and why, and each ClientHello's answer.
/// </summary>
public sealed class AcceptedRecord
{
    public List<string> Versions { get; set; } = [];
    public List<string> CipherClasses { get; set; } = [];
    public List<string> RejectedVersions { get; set; } = [];
    public List<string> RejectedCipherClasses { get; set; } = [];
    /// <summary>For each accepted class, the suite the server picked.</summary>
    public Dictionary<string, string> ClassSuites { get; set; } = [];
    public List<NotTestedRecord> NotTested { get; set; } = [];
    public List<AttemptRecord> Attempts { get; set; } = [];

    public static AcceptedRecord From(Sensor.Core.Probing.Enumeration.EnumerationResult e) => new()
    {
        Versions = [.. e.Versions],
        CipherClasses = [.. e.CipherClasses],
        RejectedVersions = [.. e.RejectedVersions],
        RejectedCipherClasses = [.. e.RejectedCipherClasses],
        ClassSuites = new(e.ClassSuites),
        NotTested = [.. e.NotTested.Select(n => new NotTestedRecord { What = n.What, Why = n.Why })],
        Attempts = [.. e.Attempts.Select(a => new AttemptRecord { Test = a.Test, Answer = a.Answer, Version = a.Version, Cipher = a.Cipher, Detail = a.Detail })],
    };
}

public sealed class NotTestedRecord
{
    public string What { get; set; } = "";
    public string Why { get; set; } = "";
}

/// <summary>One ClientHello of the enumeration: the test, the answer (server-hello, alert, closed, timeout, garbage, no-tls), what was chosen.</summary>
public sealed class AttemptRecord
{
    public string Test { get; set; } = "";
    public string Answer { get; set; } = "";
    public string? Version { get; set; }
    public string? Cipher { get; set; }
    public string? Detail { get; set; }
}

/// <summary>DANE / MTA-STS status of a probe; this slice does not check them yet.</summary>
public sealed class CheckRecord
{
    public bool Checked { get; set; }
    public string? Note { get; set; }

    public static CheckRecord NotChecked() => new() { Note = "not checked in this version" };
}
