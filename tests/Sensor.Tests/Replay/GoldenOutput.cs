using System.Text;
using System.Text.RegularExpressions;
using Sensor.Core.Output;

namespace Sensor.Tests.Replay;

/// <summary>
/// The whole JSON Lines output of one replay (every field of every record, as the product writes it),
/// made deterministic: sessions in order of start, client, server, each followed by its findings in
/// order of time, kind, variant and user; session and finding ids replaced by their rank in that order
/// ("session-1", "finding-1"), wherever they appear; keyed fingerprints (per installation) replaced by
/// the rank of their first appearance ("hmac-sha256:#1"), so equal secrets still show as equal.
/// Times are the capture's own and are kept.
/// </summary>
public static partial class GoldenOutput
{
    /// <summary>Set to 1 to rewrite captures/expected/ from the current output instead of comparing with it.</summary>
    public const string RegenerateVariable = "SENSOR_REGENERATE_GOLDEN";

    public static string ExpectedDirectory => Path.Combine(Manifest.CapturesDirectory, "expected");

    public static string ExpectedPath(string captureFile) => Path.Combine(ExpectedDirectory, captureFile + ".jsonl");

    public static bool Regenerating => Environment.GetEnvironmentVariable(RegenerateVariable) == "1";

    public static string Of(CollectingSink sink)
    {
        var sessions = sink.Sessions.OrderBy(s => s.Start, StringComparer.Ordinal).ThenBy(s => s.Client, StringComparer.Ordinal)
            .ThenBy(s => s.Server, StringComparer.Ordinal).ThenBy(s => s.End, StringComparer.Ordinal).ToList();
        var rank = new Dictionary<string, string>();
        int sessionRank = 0, findingRank = 0;
        using var output = new MemoryStream();
        using (var writer = new JsonLinesWriter(output))
        {
            foreach (var session in sessions)
            {
                rank.TryAdd(session.Id, $"session-{++sessionRank}");
                writer.Write(session);
                foreach (var finding in FindingsOf(sink, session.Id))
                {
                    rank.TryAdd(finding.Id, $"finding-{++findingRank}");
                    writer.Write(finding);
                }
            }
            foreach (var orphan in sink.Findings.Where(f => sessions.All(s => s.Id != f.Session)))
                writer.Write(orphan); // none expected: every finding names a session the run reported
        }
        var text = Encoding.UTF8.GetString(output.ToArray());
        foreach (var (id, name) in rank)
            text = text.Replace(id, name, StringComparison.Ordinal);
        return RankFingerprints(text);
    }

    private static IEnumerable<FindingRecord> FindingsOf(CollectingSink sink, string sessionId) =>
        sink.Findings.Where(f => f.Session == sessionId)
            .OrderBy(f => f.Ts, StringComparer.Ordinal).ThenBy(f => f.Kind, StringComparer.Ordinal)
            .ThenBy(f => f.Variant, StringComparer.Ordinal).ThenBy(f => f.User(), StringComparer.Ordinal);

    private static string RankFingerprints(string text)
    {
        var ranks = new Dictionary<string, int>();
        return Fingerprint().Replace(text, m =>
        {
            if (!ranks.TryGetValue(m.Value, out int n))
                ranks[m.Value] = n = ranks.Count + 1;
            return $"hmac-sha256:#{n}";
        });
    }

    [GeneratedRegex("hmac-sha256:[0-9a-f]{16}")]
    private static partial Regex Fingerprint();
}
