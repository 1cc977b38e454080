using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Output;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// The decision table of the cross-check, pure: a server's passive observation and its fresh probes
/// in, a verdict out (or null when probes and capture agree and there is nothing to say).
/// <list type="bullet">
/// <item>no fresh probe, only failed probes, or probes that disagree: <c>inconclusive</c> (with how many agreed);</item>
/// <item>the capture lacked STARTTLS, every answering probe completed TLS: <c>interference-on-path</c>;</item>
/// <item>the capture lacked STARTTLS, every answering probe saw none either: <c>server-lacks-tls</c>;</item>
/// <item>the capture saw a certificate other than the one all TLS probes saw: <c>certificate-substituted</c>.</item>
/// </list>
/// Confidence grows with agreeing probes and distinct vantages and shrinks with the share that did not agree.
/// Only independent probes decide; probes from the capture's own path are listed (<c>same_path</c>) and
/// described in the summary, since they show what the path does, not what the server does.
/// </summary>
public static class CrossCheckJudge
{
    public static VerdictRecord? Decide(PassiveObservation passive, IEnumerable<ProbeRecord> probes, DateTime nowUtc, CrossCheckOptions options)
    {
        var consensus = ProbeConsensus.Of(probes, nowUtc, options);
        var verdict = passive.LackedStartTls ? JudgeStartTls(passive, consensus, options) : JudgeCertificate(passive, consensus, options);
        if (verdict is null)
            return null;
        verdict.Ts = Rfc3339.Format(nowUtc);
        verdict.Protocol = passive.Protocol;
        verdict.Server = passive.Server;
        verdict.ServerName = passive.ServerName;
        verdict.Id = IdFor(passive);
        verdict.Total = consensus.Total;
        verdict.Summary += SamePathNote(consensus);
        verdict.Passive = new PassiveRecord
        {
            Sessions = passive.Sessions,
            Findings = [.. passive.Findings],
            StarttlsRefused = passive.StartTlsRefused,
            CertSha256 = [.. passive.CertSha256],
        };
        verdict.Probes = [.. consensus.Probes.Concat(consensus.SamePath).Select(p => new VerdictProbeRecord
        {
            Vantage = p.Record.Vantage,
            Ts = Rfc3339.Format(p.TsUtc),
            Outcome = p.Record.Outcome,
            StarttlsOffered = p.Record.StarttlsOffered,
            TlsEstablished = p.Record.TlsEstablished,
            CertSha256 = p.Record.CertSha256,
            SamePath = p.SamePath,
        })];
        return verdict;
    }

    private static VerdictRecord? JudgeStartTls(PassiveObservation passive, ProbeConsensus c, CrossCheckOptions options)
    {
        var what = Lacked(passive);
        if (NoAnswer(passive, c, options) is { } none)
            return none;
        if (c.Tls > 0 && c.NoStartTls > 0)
        {
            int agreeing = Math.Max(c.Tls, c.NoStartTls);
            return Make(Verdicts.Inconclusive, Halved(Strength(c, agreeing, Agreeing(c, c.Tls >= c.NoStartTls ? ProbeView.Tls : ProbeView.NoStartTls))), agreeing,
                $"{c.Tls} of {c.Total} probes saw STARTTLS and completed TLS, {c.NoStartTls} saw no STARTTLS: a load-balanced or changing server? The capture {what}");
        }
        if (c.Tls > 0)
            return Make(Verdicts.InterferenceOnPath, Strength(c, c.Tls, Agreeing(c, ProbeView.Tls)), c.Tls,
                $"The capture {what}, but {c.Tls} of {c.Total} probes from {Vantages(c, ProbeView.Tls)} saw {passive.Server} offer STARTTLS and complete TLS: something on the path took it away");
        return Make(Verdicts.ServerLacksTls, Strength(c, c.NoStartTls, Agreeing(c, ProbeView.NoStartTls)), c.NoStartTls,
            $"The capture {what}, and {c.NoStartTls} of {c.Total} probes from {Vantages(c, ProbeView.NoStartTls)} saw no STARTTLS either: the server itself offers none");
    }

    private static VerdictRecord? JudgeCertificate(PassiveObservation passive, ProbeConsensus c, CrossCheckOptions options)
    {
        if (NoAnswer(passive, c, options) is { } none)
            return none;
        var tls = c.Probes.Where(p => p.View == ProbeView.Tls && p.Record.CertSha256 is not null).ToList();
        if (tls.Count == 0)
            return Make(Verdicts.Inconclusive, 0, 0,
                $"The capture saw TLS with {passive.Server}, but none of {c.Total} probes completed TLS with a certificate to compare");
        var groups = tls.GroupBy(p => p.Record.CertSha256!, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).ToList();
        if (groups.Count > 1)
        {
            int agreeing = groups[0].Count();
            return Make(Verdicts.Inconclusive, Halved(Strength(c, agreeing, [.. groups[0]])), agreeing,
                $"{agreeing} of {c.Total} probes saw certificate {groups[0].Key}, the others saw {groups.Count - 1} other(s): the probes disagree");
        }
        var probeCert = groups[0].Key;
        var different = passive.CertSha256.Where(cert => !cert.Equals(probeCert, StringComparison.OrdinalIgnoreCase)).ToList();
        if (different.Count == 0)
            return null;
        return Make(Verdicts.CertificateSubstituted, Strength(c, tls.Count, tls), tls.Count,
            $"The capture saw certificate {different[0]} from {passive.Server}, but {tls.Count} of {c.Total} probes from {Vantages(c, ProbeView.Tls)} saw {probeCert}: substituted on the path");
    }

    /// <summary>No fresh probe, or none that answered: nothing to compare with.</summary>
    private static VerdictRecord? NoAnswer(PassiveObservation passive, ProbeConsensus c, CrossCheckOptions options)
    {
        if (c.Total == 0)
            return Make(Verdicts.Inconclusive, 0, 0,
                $"No probe of {passive.Server} from another vantage point in the last {Age(options.MaxAge)}: cannot tell the path from the server");
        if (c.Failed == c.Total)
            return Make(Verdicts.Inconclusive, 0, 0,
                $"All {c.Total} probes of {passive.Server} failed ({string.Join(", ", c.Probes.Select(p => p.Record.Outcome).Distinct())}): cannot tell the path from the server");
        return null;
    }

    /// <summary>What the probes along the capture's own path saw, or nothing when there were none.</summary>
    private static string SamePathNote(ProbeConsensus c)
    {
        if (c.SamePath.Count == 0)
            return "";
        var vantages = string.Join(", ", c.SamePath.Select(p => p.Record.Vantage).Distinct(StringComparer.OrdinalIgnoreCase));
        var parts = new List<string>();
        if (c.SamePath.Count(p => p.View == ProbeView.Tls) is > 0 and var tls)
            parts.Add($"{tls} completed TLS");
        if (c.SamePath.Count(p => p.View == ProbeView.NoStartTls) is > 0 and var absent)
            parts.Add($"{absent} saw no STARTTLS");
        if (c.SamePath.Count(p => p.View == ProbeView.Failed) is > 0 and var failed)
            parts.Add($"{failed} failed");
        return $". Not counted, as they cross the capture's own path: {c.SamePath.Count} probe(s) from {vantages} ({string.Join(", ", parts)})";
    }

    private static List<FreshProbe> Agreeing(ProbeConsensus c, ProbeView view) => [.. c.Probes.Where(p => p.View == view)];

    /// <summary>0.6 for one probe, +0.1 per further agreeing probe and per further vantage, at most 0.95; times the share that agreed (rounded to 0.01 in the record).</summary>
    public static double Strength(ProbeConsensus c, int agreeing, IReadOnlyCollection<FreshProbe> agreeingProbes)
    {
        int vantages = agreeingProbes.Select(p => p.Record.Vantage).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        double strength = Math.Min(0.95, 0.6 + 0.1 * (agreeing - 1) + 0.1 * (vantages - 1));
        return strength * agreeing / c.Total;
    }

    private static double Halved(double strength) => strength / 2;

    private static string Vantages(ProbeConsensus c, ProbeView view) =>
        string.Join(", ", c.Probes.Where(p => p.View == view).Select(p => p.Record.Vantage).Distinct(StringComparer.OrdinalIgnoreCase));

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
