using System.Globalization;
using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.CrossCheck;

/// <summary>What one probe says about a server's STARTTLS: it completed TLS, it saw no STARTTLS, or it says nothing (failed).</summary>
public enum ProbeView { Tls, NoStartTls, Failed }

/// <summary>A fresh probe record with its parsed time and what it says; <paramref name="SamePath"/> when it crossed the capture's own path.</summary>
public sealed record FreshProbe(ProbeRecord Record, DateTime TsUtc, ProbeView View, bool SamePath = false)
{
    /// <summary>Each connection the probe made (a record without attempts is one connection) and what it says.</summary>
    public IReadOnlyList<(ProbeView View, ProbeAttempt Attempt)> Connections { get; } =
        [.. (Record.Attempts is { Count: > 0 } attempts ? attempts : [AsAttempt(Record)]).Select(a => (Classify(a.Outcome, a.TlsEstablished), a))];

    private static ProbeAttempt AsAttempt(ProbeRecord r) => new()
    {
        Outcome = r.Outcome, Error = r.Error, Banner = r.Banner, ServerName = r.ServerName, Capabilities = r.Capabilities,
        StarttlsOffered = r.StarttlsOffered, TlsEstablished = r.TlsEstablished, TlsVersion = r.TlsVersion, TlsCipher = r.TlsCipher, CertSha256 = r.CertSha256, ServerTcp = r.ServerTcp,
    };

    public static ProbeView Classify(string outcome, bool tlsEstablished) => outcome switch
    {
        ProbeOutcome.Ok when tlsEstablished => ProbeView.Tls,
        ProbeOutcome.StartTlsAbsent => ProbeView.NoStartTls,
        _ => ProbeView.Failed,
    };
}

/// <summary>
/// The fresh probes of one server and how far they agree. Pure: the probes and "now" come in,
/// nothing is looked up. A probe counts when its vantage is not excluded and it is no older than
/// the maximum age; a refused, failed or timed-out probe counts in the total but agrees with nobody.
/// Fresh probes from a same-path vantage are kept apart in <see cref="SamePath"/>: they count nowhere.
/// </summary>
public sealed class ProbeConsensus
{
    private ProbeConsensus(List<FreshProbe> probes, List<FreshProbe> samePath) => (Probes, SamePath) = (probes, samePath);

    /// <summary>The independent probes: from elsewhere than the capture's path.</summary>
    public IReadOnlyList<FreshProbe> Probes { get; }

    /// <summary>Probes from the sensor's own network: what the path does now, reported only.</summary>
    public IReadOnlyList<FreshProbe> SamePath { get; }
    public int Total => Probes.Count;
    public int Tls => Probes.Count(p => p.View == ProbeView.Tls);
    public int NoStartTls => Probes.Count(p => p.View == ProbeView.NoStartTls);
    public int Failed => Probes.Count(p => p.View == ProbeView.Failed);

    /// <summary>Every probe that answered saw STARTTLS and TLS: the server offers it from elsewhere.</summary>
    public bool SawStartTls => Tls > 0 && NoStartTls == 0 && ConnectionsSaw(ProbeView.NoStartTls) == 0;

    /// <summary>Connections of the independent probes (each attempt of each probe) that say <paramref name="view"/>.</summary>
    public int ConnectionsSaw(ProbeView view) => Probes.Sum(p => p.Connections.Count(c => c.View == view));

    public int Connections => Probes.Sum(p => p.Connections.Count);

    /// <summary>What the independent probes' connections say of STARTTLS, over all of them.</summary>
    public ProbeStartTls StartTls => (ConnectionsSaw(ProbeView.Tls), ConnectionsSaw(ProbeView.NoStartTls)) switch
    {
        (0, 0) => ProbeStartTls.NoAnswer,
        (> 0, 0) => ProbeStartTls.Always,
        (0, > 0) => ProbeStartTls.Never,
        _ => ProbeStartTls.Varies,
    };

    public static ProbeConsensus Of(IEnumerable<ProbeRecord> records, DateTime nowUtc, CrossCheckOptions options)
    {
        var oldest = nowUtc - options.MaxAge;
        var fresh = new List<FreshProbe>();
        foreach (var record in records)
            if (!options.ExcludedVantages.Contains(record.Vantage) && ParseTs(record.Ts) is { } ts && ts >= oldest)
                fresh.Add(new FreshProbe(record, ts, Classify(record), options.SamePathVantages.Contains(record.Vantage)));
        fresh.Sort((a, b) => a.TsUtc != b.TsUtc ? a.TsUtc.CompareTo(b.TsUtc) : string.CompareOrdinal(a.Record.Vantage, b.Record.Vantage));
        return new ProbeConsensus([.. fresh.Where(p => !p.SamePath)], [.. fresh.Where(p => p.SamePath)]);
    }

    public static ProbeView Classify(ProbeRecord record) => FreshProbe.Classify(record.Outcome, record.TlsEstablished);

    /// <summary>The most recent probe that saw STARTTLS and TLS, as the evidence line "probe from VANTAGE at TS".</summary>
    public string? LatestTlsEvidence() =>
        Probes.LastOrDefault(p => p.View == ProbeView.Tls) is { } latest
            ? $"probe from {latest.Record.Vantage} at {Rfc3339.Format(latest.TsUtc)}"
            : null;

    public static DateTime? ParseTs(string? ts) =>
        ts is { Length: > 0 } && ts.Contains('T')
        && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime
            : null;
}
