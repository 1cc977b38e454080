using Sensor.Core.Output;

namespace Sensor.Core.FieldTest;

/// <summary>One port of one server: what here saw, the latest from each other vantage, and the verdict.</summary>
public sealed record FieldRow(ProbeRecord Here, IReadOnlyList<ProbeRecord> Elsewhere, FieldJudgement Judgement);

/// <summary>One target as the person typed it (a mail domain or host, with an optional port).</summary>
public sealed record FieldTarget(string Name, IReadOnlyList<FieldRow> Rows);

/// <summary>Everything a field test found, ready for the console, JSON or the HTML report.</summary>
public sealed record FieldReport(DateTime TimeUtc, string Vantage, string Version, IReadOnlyList<FieldTarget> Targets)
{
    /// <summary>DNS answers here that differ from a control vantage's (dns-tampering findings).</summary>
    public IReadOnlyList<CrossCheck.DnsDifference> Dns { get; init; } = [];

    /// <summary>Why the hop of the interference could not be located (no raw sockets here); null when it was, or was not needed.</summary>
    public string? LocateUnavailable { get; init; }

    /// <summary>Every row with its target, worst verdict first (stable within a level).</summary>
    public IReadOnlyList<(FieldTarget Target, FieldRow Row)> WorstFirst =>
        [.. Targets.SelectMany(t => t.Rows.Select(r => (t, r))).OrderBy(x => x.r.Judgement.Level)];

    /// <summary>The worst verdict; a DNS answer hidden or changed here (a high-severity dns-tampering finding) counts as interference.</summary>
    public FieldLevel? Worst => Targets.SelectMany(t => t.Rows).Select(r => (FieldLevel?)r.Judgement.Level)
        .Append(Dns.Any(d => d.Entry.Severity == Detection.Severity.High) ? FieldLevel.Interference : null).Min();

    /// <summary>Whether no port of any target could be compared with another vantage point.</summary>
    public bool NothingCompared => Targets.SelectMany(t => t.Rows).All(r => r.Elsewhere.Count == 0);
}
