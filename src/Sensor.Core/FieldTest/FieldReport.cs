using Sensor.Core.Output;

namespace Sensor.Core.FieldTest;

/// <summary>One port of one server: what here saw, the latest from each other vantage, and the verdict.</summary>
public sealed record FieldRow(ProbeRecord Here, IReadOnlyList<ProbeRecord> Elsewhere, FieldJudgement Judgement)
{
    /// <summary>Where on the path the interference happens, when it was located (here's walk of the path); null when not (the report then says nothing of it).</summary>
    public FieldHop? Hop { get => _hop ?? FieldHop.Of(Here.Locate); init => _hop = value; }
    private readonly FieldHop? _hop;
}

/// <summary>The hop on the path where what the server says is changed.</summary>
/// <param name="Distance">hops from here (the TTL at which the change first shows)</param>
/// <param name="Address">the address that answered at that distance, when one did</param>
/// <param name="Network">that address's network (e.g. "AS64500 EXAMPLE-NET"), when known</param>
/// <param name="Path">the walk's own account ("the answer without STARTTLS first appears at hop 3 (...); hops before it: ..."), when it made one</param>
public sealed record FieldHop(int Distance, string? Address, string? Network, string? Path = null)
{
    /// <summary>The box's hop of a walk that found one; its address is the box's own when the walk learnt it, else what answered there.</summary>
    public static FieldHop? Of(Probing.Locate.LocatedPath? path) =>
        path?.BoxHop is int box ? new FieldHop(box, path.BoxAddress ?? path.Hops.FirstOrDefault(h => h.Hop == box)?.Address, null, path.Summary) : null;
}

/// <summary>One target as the person typed it (a mail domain or host, with an optional port).</summary>
public sealed record FieldTarget(string Name, IReadOnlyList<FieldRow> Rows);

/// <summary>Everything a field test found, ready for the console, JSON or the HTML report.</summary>
public sealed record FieldReport(DateTime TimeUtc, string Vantage, string Version, IReadOnlyList<FieldTarget> Targets)
{
    /// <summary>The network tested, as DNS names it (public address, AS number and name); null when it could not be learned or was not asked.</summary>
    public Probing.Dns.NetworkOrigin? Network { get; init; }

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
