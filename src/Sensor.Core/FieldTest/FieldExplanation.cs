using System.Globalization;
using Sensor.Core.Output;

namespace Sensor.Core.FieldTest;

/// <summary>One port of a target, explained: its service in plain words, the verdict, the steps checked, the probe records behind them.</summary>
public sealed record PortExplanation(int Port, string Service, FieldJudgement Judgement, IReadOnlyList<FieldCheck> Checks, FieldRow Row);

/// <summary>One target, explained: a headline that says what to do, then each port, the worst first.</summary>
public sealed record TargetExplanation(string Name, FieldLevel Level, string Headline, IReadOnlyList<PortExplanation> Ports);

/// <summary>
/// The whole field test for a person who is not a network engineer, ready for the console and the
/// HTML report alike (they render this and add nothing of their own): where it ran, one headline
/// per target, one line per step of each port, the DNS answers that differ, and the risk note.
/// </summary>
/// <param name="Place">the network tested: "AS64500 EXAMPLE-NET (public address 192.0.2.1)" or "this network"</param>
/// <param name="Vantage">the name given to this place with --vantage (default "local")</param>
/// <param name="Time">"2026-11-29 12:00:00 UTC"</param>
public sealed record FieldExplanation(string Place, string Vantage, string Time, string Version, FieldLevel Level, string Headline,
    IReadOnlyList<TargetExplanation> Targets, IReadOnlyList<FieldCheck> Dns, string? Note, string Risk)
{
    public const string ThisNetwork = "this network";

    /// <summary>Builds the explanation of a report. Pure.</summary>
    public static FieldExplanation Of(FieldReport report)
    {
        var targets = report.Targets.Select(Explain).ToList();
        var level = report.Worst ?? FieldLevel.NotTested;
        var dns = report.Dns.Select(d => new FieldCheck(d.Entry.Severity == Detection.Severity.High ? CheckState.Failed : CheckState.Info,
            $"{d.RecordType} lookup of {d.Name}", $"{d.Here} here, but {d.There} at {d.Vantage} ({d.Entry.Description})")).ToList();
        return new FieldExplanation(PlaceOf(report.Network), report.Vantage, report.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            report.Version, level, OverallHeadline(level, report.Targets.Sum(t => t.Rows.Count)), targets, dns,
            report.NothingCompared ? FieldVerdict.NoComparison + "." : null, FieldRisk.Note);
    }

    /// <summary>The network by its AS when DNS told it, else "this network".</summary>
    public static string PlaceOf(Probing.Dns.NetworkOrigin? network) => network switch
    {
        { AsLabel: { } label } => $"{label} (public address {network.PublicAddress})",
        { } known => $"{ThisNetwork} (public address {known.PublicAddress})",
        null => ThisNetwork,
    };

    private static TargetExplanation Explain(FieldTarget target) => new(target.Name, FieldAdvice.Level(target), FieldAdvice.Headline(target),
        [.. target.Rows.OrderBy(r => r.Judgement.Level).Select(r => new PortExplanation(r.Here.Port, Service(r.Here), r.Judgement, FieldChecks.Of(r), r))]);

    /// <summary>The one line over all targets.</summary>
    private static string OverallHeadline(FieldLevel worst, int ports) => worst switch
    {
        FieldLevel.Interference => "Something on this network interferes with mail encryption.",
        FieldLevel.NotEncrypted => "Some mail from here travels without encryption.",
        FieldLevel.Caution => "Mail is encrypted, with a catch you should know about.",
        FieldLevel.NotTested when ports == 0 => "Nothing was tested.",
        FieldLevel.NotTested => "Could not test encryption from here.",
        _ => "Mail encryption works from here.",
    };

    /// <summary>What the port is for, in plain words.</summary>
    public static string Service(ProbeRecord probe) => probe.Protocol switch
    {
        "smtp" when probe.Port == 587 => "sending mail from a mail program (SMTP submission)",
        "smtp" when probe.ImplicitTls || probe.Port == 465 => "sending mail from a mail program (SMTP submission, TLS)",
        "smtp" => "mail between servers (SMTP)",
        "imap" => probe.ImplicitTls ? "reading mail (IMAP, TLS)" : "reading mail (IMAP)",
        "pop3" => probe.ImplicitTls ? "downloading mail (POP3, TLS)" : "downloading mail (POP3)",
        var other => other,
    };
}
