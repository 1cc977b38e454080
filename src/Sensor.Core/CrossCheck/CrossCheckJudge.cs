using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Output;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// The cross-check of one server, pure: its passive observation and its fresh probes in, a verdict
/// out (or null when probes and capture agree and there is nothing to say). The row is chosen by
/// <see cref="VerdictRules.Decide"/>; this class gathers its inputs and words the record: counts of
/// sessions and of probe connections, the traits that differ, and a summary that says why.
/// Confidence grows with agreeing probes and distinct vantages and shrinks with the share that did not agree.
/// Only independent probes decide; probes from the capture's own path are listed (<c>same_path</c>) and
/// described in the summary, since they show what the path does, not what the server does.
/// </summary>
public static class CrossCheckJudge
{
    public static VerdictRecord? Decide(PassiveObservation passive, IEnumerable<ProbeRecord> probes, DateTime nowUtc, CrossCheckOptions options)
    {
        var c = ProbeConsensus.Of(probes, nowUtc, options);
        var certificates = Certificates.Of(passive, c);
        var differences = AnswerTraits.Differences(passive, c);
        var rule = VerdictRules.Decide(passive.StartTls, c.StartTls, certificates.Comparison, differences.Count > 0);
        if (VerdictRules.VerdictOf(rule) is not { } name)
            return null;
        var verdict = Word(rule, name, passive, c, certificates, differences, options);
        verdict.Ts = Rfc3339.Format(nowUtc);
        verdict.Protocol = passive.Protocol;
        verdict.Server = passive.Server;
        verdict.ServerName = passive.ServerName;
        verdict.Id = IdFor(passive);
        verdict.Total = c.Total;
        verdict.Differences = differences;
        verdict.Connections = new ConnectionCounts
        {
            Total = c.Connections,
            Starttls = c.ConnectionsSaw(ProbeView.Tls),
            NoStarttls = c.ConnectionsSaw(ProbeView.NoStartTls),
            Failed = c.ConnectionsSaw(ProbeView.Failed),
        };
        verdict.Summary += SamePathNote(c);
        verdict.Passive = new PassiveRecord
        {
            Sessions = passive.Sessions,
            SessionsLackingStarttls = passive.LackedSessions,
            SessionsTls = passive.TlsSessions,
            Findings = [.. passive.Findings],
            StarttlsRefused = passive.StartTlsRefused,
            CertSha256 = [.. passive.CertSha256],
        };
        verdict.Probes = [.. c.Probes.Concat(c.SamePath).Select(p => new VerdictProbeRecord
        {
            Vantage = p.Record.Vantage,
            Ts = Rfc3339.Format(p.TsUtc),
            Outcome = p.Record.Outcome,
            StarttlsOffered = p.Record.StarttlsOffered,
            TlsEstablished = p.Record.TlsEstablished,
            CertSha256 = p.Record.CertSha256,
            Attempts = [.. p.Connections.Select(a => a.Attempt.Outcome)],
            SamePath = p.SamePath,
        })];
        return verdict;
    }

    /// <summary>The verdict of one row, with its confidence, agreeing count and summary.</summary>
    private static VerdictRecord Word(VerdictRule rule, string verdict, PassiveObservation passive, ProbeConsensus c, Certificates certs,
        List<string> differences, CrossCheckOptions options)
    {
        var server = passive.Server;
        var tls = c.ConnectionsSaw(ProbeView.Tls);
        var absent = c.ConnectionsSaw(ProbeView.NoStartTls);
        var traits = differences.Count == 0 ? "" : $". The host that answers here differs too: {string.Join("; ", differences)}";
        switch (rule)
        {
            case VerdictRule.NoProbeAnswer when c.Total == 0:
                return Make(verdict, 0, 0, $"No probe of {server} from another vantage point in the last {Age(options.MaxAge)}: cannot tell the path from the server");
            case VerdictRule.NoProbeAnswer:
                return Make(verdict, 0, 0,
                    $"All {c.Total} probes of {server} failed ({string.Join(", ", c.Probes.Select(p => p.Record.Outcome).Distinct())}): cannot tell the path from the server");
            case VerdictRule.ServerVaries:
            {
                var majority = c.Tls >= c.NoStartTls ? ProbeView.Tls : ProbeView.NoStartTls;
                var agreeing = Agreeing(c, majority);
                var also = passive.StartTls == CaptureStartTls.Mixed
                    ? $"; the capture saw it vary too ({CaptureSplit(passive)})"
                    : $"; the capture {Lacked(passive)}";
                return Make(verdict, Halved(Strength(c, agreeing.Count, agreeing)), agreeing.Count,
                    $"{tls} of {tls + absent} connections offered STARTTLS ({PerVantage(c)}): the server varies from one connection to the next "
                    + $"(a load-balanced or changing server), so this is not placed on the path{also}");
            }
            case VerdictRule.InterferenceOnPath:
                return Make(verdict, Strength(c, c.Tls, Agreeing(c, ProbeView.Tls)), c.Tls,
                    $"The capture {Lacked(passive)}, but {tls} of {c.Connections} connections from {Vantages(c, ProbeView.Tls)} saw {server} offer STARTTLS and complete TLS: "
                    + $"something on the path took it away{traits}");
            case VerdictRule.IntermittentInterference:
                return Make(verdict, Strength(c, c.Tls, Agreeing(c, ProbeView.Tls)), c.Tls,
                    $"Along the capture's path {CaptureSplit(passive)} ({string.Join(", ", Findings(passive))}), but all {tls} of {c.Connections} connections from "
                    + $"{Vantages(c, ProbeView.Tls)} saw {server} offer STARTTLS and complete TLS: intermittent interference on the path{traits}");
            case VerdictRule.ServerLacksTls:
                return Make(verdict, Strength(c, c.NoStartTls, Agreeing(c, ProbeView.NoStartTls)), c.NoStartTls,
                    $"The capture {Lacked(passive)}, and {absent} of {c.Connections} connections from {Vantages(c, ProbeView.NoStartTls)} saw no STARTTLS either: the server itself offers none");
            case VerdictRule.CaptureSawMoreThanProbes:
                return Make(verdict, 0, 0,
                    $"Along the capture's path {CaptureSplit(passive)}, but all {absent} of {c.Connections} connections from {Vantages(c, ProbeView.NoStartTls)} saw no STARTTLS: "
                    + "the server changed since, or the probes' own paths take it away");
            case VerdictRule.ProbeCertificatesDisagree:
            {
                var top = certs.Groups[0].ToList();
                return Make(verdict, Halved(Strength(c, top.Count, top)), top.Count,
                    $"{top.Count} of {c.Total} probes saw certificate {certs.Groups[0].Key}, the others saw {certs.Groups.Count - 1} other(s): the probes disagree");
            }
            case VerdictRule.CertificateSubstituted:
                return Make(verdict, Strength(c, certs.Tls.Count, certs.Tls), certs.Tls.Count,
                    $"The capture saw certificate {certs.Different[0]} from {server}, but {certs.Tls.Count} of {c.Total} probes from {Vantages(c, ProbeView.Tls)} saw {certs.Groups[0].Key}: substituted on the path");
            case VerdictRule.DifferentServerAnswers:
            {
                var answering = Answering(c);
                return Make(verdict, Strength(c, answering.Count, answering), answering.Count,
                    $"The host that answers {server} here is not the one others reach: {string.Join("; ", differences)}");
            }
            default:
                return Make(verdict, 0, 0,
                    $"The capture saw TLS with {server}, but none of {c.Total} probes completed TLS with a certificate to compare");
        }
    }

    /// <summary>The capture's certificates against those of the probes that completed TLS.</summary>
    private sealed record Certificates(CertificateComparison Comparison, List<FreshProbe> Tls, List<IGrouping<string, FreshProbe>> Groups, List<string> Different)
    {
        public static Certificates Of(PassiveObservation passive, ProbeConsensus c)
        {
            var tls = c.Probes.Where(p => p.View == ProbeView.Tls && p.Record.CertSha256 is not null).ToList();
            var groups = tls.GroupBy(p => p.Record.CertSha256!, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).ToList();
            var different = groups.Count == 1
                ? passive.CertSha256.Where(cert => !cert.Equals(groups[0].Key, StringComparison.OrdinalIgnoreCase)).ToList()
                : [];
            var comparison = passive.CertSha256.Count == 0 ? CertificateComparison.NoneCaptured
                : groups.Count == 0 ? CertificateComparison.NoneProbed
                : groups.Count > 1 ? CertificateComparison.ProbesDisagree
                : different.Count > 0 ? CertificateComparison.Different
                : CertificateComparison.Same;
            return new Certificates(comparison, tls, groups, different);
        }
    }

    /// <summary>What the probes along the capture's own path saw, or nothing when there were none.</summary>
    private static string SamePathNote(ProbeConsensus c)
    {
        if (c.SamePath.Count == 0)
            return "";
        var vantages = string.Join(", ", c.SamePath.Select(p => p.Record.Vantage).Distinct(StringComparer.OrdinalIgnoreCase));
        var connections = c.SamePath.SelectMany(p => p.Connections).ToList();
        var parts = new List<string>();
        if (connections.Count(p => p.View == ProbeView.Tls) is > 0 and var tls)
            parts.Add($"{tls} completed TLS");
        if (connections.Count(p => p.View == ProbeView.NoStartTls) is > 0 and var absent)
            parts.Add($"{absent} saw no STARTTLS");
        if (connections.Count(p => p.View == ProbeView.Failed) is > 0 and var failed)
            parts.Add($"{failed} failed");
        return $". Not counted, as they cross the capture's own path: {connections.Count} connection(s) from {vantages} ({string.Join(", ", parts)})";
    }

    private static List<FreshProbe> Agreeing(ProbeConsensus c, ProbeView view) => [.. c.Probes.Where(p => p.View == view)];

    private static List<FreshProbe> Answering(ProbeConsensus c) => [.. c.Probes.Where(p => p.Connections.Any(a => a.View != ProbeView.Failed))];

    /// <summary>0.6 for one probe, +0.1 per further agreeing probe and per further vantage, at most 0.95; times the share that agreed (rounded to 0.01 in the record).</summary>
    public static double Strength(ProbeConsensus c, int agreeing, IReadOnlyCollection<FreshProbe> agreeingProbes)
    {
        int vantages = agreeingProbes.Select(p => p.Record.Vantage).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        double strength = Math.Min(0.95, 0.6 + 0.1 * (agreeing - 1) + 0.1 * (vantages - 1));
        return strength * agreeing / c.Total;
    }

    private static double Halved(double strength) => strength / 2;

    private static string Vantages(ProbeConsensus c, ProbeView view) =>
        string.Join(", ", c.Probes.Where(p => p.Connections.Any(a => a.View == view)).Select(p => p.Record.Vantage).Distinct(StringComparer.OrdinalIgnoreCase));

    /// <summary>"far: 2 of 3, abroad: 3 of 3": per vantage, the connections that offered STARTTLS of those that answered.</summary>
    private static string PerVantage(ProbeConsensus c) =>
        string.Join(", ", c.Probes.GroupBy(p => p.Record.Vantage, StringComparer.OrdinalIgnoreCase).Select(g =>
        {
            var connections = g.SelectMany(p => p.Connections).Where(a => a.View != ProbeView.Failed).ToList();
            return $"{g.Key}: {connections.Count(a => a.View == ProbeView.Tls)} of {connections.Count}";
        }));

    private static string CaptureSplit(PassiveObservation passive) =>
        $"{passive.LackedSessions} of {passive.Sessions} sessions lacked STARTTLS and {passive.TlsSessions} completed TLS";

    private static IEnumerable<string> Findings(PassiveObservation passive) =>
        passive.Findings.Count > 0 ? passive.Findings : ["STARTTLS refused"];

    private static string Lacked(PassiveObservation passive) =>
        passive.Findings.Count > 0
            ? $"saw {string.Join(", ", passive.Findings)}"
            : "saw STARTTLS refused";

    private static string Age(TimeSpan age) =>
        age.TotalDays >= 1 && age.TotalDays == Math.Floor(age.TotalDays) ? $"{age.TotalDays:0} day(s)" : $"{age.TotalHours:0.##} hour(s)";

    private static VerdictRecord Make(string verdict, double confidence, int agreeing, string summary) =>
        new() { Verdict = verdict, Confidence = Math.Round(confidence, 2), Agreeing = agreeing, Summary = summary };

    /// <summary>One id per server and set of sessions, so replaying the same capture again updates rather than duplicates.</summary>
    private static string IdFor(PassiveObservation passive)
    {
        var text = $"{passive.Protocol}|{passive.Server}|{string.Join(',', passive.SessionIds.Order(StringComparer.Ordinal))}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
    }
}
