using Sensor.Core.Output;

namespace Sensor.Core.FieldTest;

/// <summary>One port of one server: what here saw, the latest from each other vantage, and the verdict.</summary>
public sealed record FieldRow(ProbeRecord Here, IReadOnlyList<ProbeRecord> Elsewhere, FieldJudgement Judgement)
{
    /// <summary>Where on the path the interference happens, when it was located; null when not (the report then says nothing of it).</summary>
    public FieldHop? Hop { get; init; }
}

/// <summary>The hop on the path where what the server says is changed.</summary>
/// <param name="Distance">hops from here (the TTL at which the change first shows)</param>
/// <param name="Address">the address that answered at that distance, when one did</param>
/// <param name="Network">that address's network (e.g. "AS64500 EXAMPLE-NET"), when known</param>
public sealed record FieldHop(int Distance, string? Address, string? Network);

/// <summary>One target as the person typed it (a mail domain or host, with an optional port).</summary>
public sealed record FieldTarget(string Name, IReadOnlyList<FieldRow> Rows);

/// <summary>Everything a field test found, ready for the console, JSON or the HTML report.</summary>
public sealed record FieldReport(DateTime TimeUtc, string Vantage, string Version, IReadOnlyList<FieldTarget> Targets)
{
    /// <summary>The network tested, as DNS names it (public address, AS number and name); null when it could not be learned or was not asked.</summary>
    public Probing.Dns.NetworkOrigin? Network { get; init; }

    /// <summary>DNS answers here that differ from a control vantage's (dns-tampering findings).</summary>
    public IReadOnlyList<CrossCheck.DnsDifference> Dns { get; init; } = [];

    /// <summary>Every row with its target, worst verdict first (stable within a level).</summary>
    public IReadOnlyList<(FieldTarget Target, FieldRow Row)> WorstFirst =>
        [.. Targets.SelectMany(t => t.Rows.Select(r => (t, r))).OrderBy(x => x.r.Judgement.Level)];

    /// <summary>The worst verdict; a DNS answer hidden or changed here (a high-severity dns-tampering finding) counts as interference.</summary>
    public FieldLevel? Worst => Targets.SelectMany(t => t.Rows).Select(r => (FieldLevel?)r.Judgement.Level)
        .Append(Dns.Any(d => d.Entry.Severity == Detection.Severity.High) ? FieldLevel.Interference : null).Min();

    /// <summary>Whether no port of any target could be compared with another vantage point.</summary>
    public bool NothingCompared => Targets.SelectMany(t => t.Rows).All(r => r.Elsewhere.Count == 0);
}
