using System.Globalization;
using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.CrossCheck;

/// <summary>What one probe says about a server's STARTTLS: it completed TLS, it saw no STARTTLS, or it says nothing (failed).</summary>
public enum ProbeView { Tls, NoStartTls, Failed }

/// <summary>A fresh probe record with its parsed time and what it says; <paramref name="SamePath"/> when it crossed the capture's own path.</summary>
public sealed record FreshProbe(ProbeRecord Record, DateTime TsUtc, ProbeView View, bool SamePath = false);

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
    public bool SawStartTls => Tls > 0 && NoStartTls == 0;

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

    public static ProbeView Classify(ProbeRecord record) => record.Outcome switch
    {
        ProbeOutcome.Ok when record.TlsEstablished => ProbeView.Tls,
        ProbeOutcome.StartTlsAbsent => ProbeView.NoStartTls,
        _ => ProbeView.Failed,
    };

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
