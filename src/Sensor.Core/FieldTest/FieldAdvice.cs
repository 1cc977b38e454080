using Sensor.Core.Probing;

namespace Sensor.Core.FieldTest;

/// <summary>
/// The headline of one target for a person who is not a network engineer: what was found, on which
/// port, and what to do about it. Pure: a target's rows in, one sentence out.
/// </summary>
public static class FieldAdvice
{
    /// <summary>The level the headline speaks for: the worst finding, else encrypted if any port is, else not tested.</summary>
    public static FieldLevel Level(FieldTarget target)
    {
        var levels = target.Rows.Select(r => r.Judgement.Level).ToList();
        if (levels.Any(l => l < FieldLevel.NotTested))
            return levels.Min();
        return levels.Contains(FieldLevel.Encrypted) ? FieldLevel.Encrypted : FieldLevel.NotTested;
    }

    public static string Headline(FieldTarget target)
    {
        var level = Level(target);
        var rows = target.Rows.Where(r => r.Judgement.Level == level).ToList();
        var name = target.Name;
        return level switch
        {
            FieldLevel.Interference =>
                $"Do not send mail or passwords to {name} from this network until you can use another network, or a VPN or Tor you trust: {Interference(rows)}.",
            FieldLevel.NotEncrypted when rows.All(r => r.Elsewhere.Any(FieldVerdict.Answered)) =>
                $"Mail to {name} travels unencrypted on {Ports(rows)}, from anywhere: the server offers no working encryption there (not this network's doing). Do not send anything sensitive that way.",
            FieldLevel.NotEncrypted =>
                $"Mail to {name} travels unencrypted from here on {Ports(rows)}, and nothing was compared to tell whether this network or the server is to blame: treat what you send that way as readable by others.",
            FieldLevel.Caution =>
                $"Mail to {name} is encrypted, with a catch on {Ports(rows)}: {Lower(rows[0].Judgement.Sentence)}.",
            FieldLevel.Encrypted =>
                $"No interference seen: mail to {name} is encrypted from this network on {Ports(rows)}.{Untested(target)}",
            _ when target.Rows.Count == 0 => $"Could not tell anything about {name}: nothing was probed.",
            _ => $"Could not tell whether this network interferes with mail to {name}: {Lower(target.Rows[0].Judgement.Sentence)}.",
        };
    }

    /// <summary>What the network does, per port, in the fewest words: "it removes STARTTLS on port 25".</summary>
    private static string Interference(List<FieldRow> rows) => string.Join("; ", rows.GroupBy(What).Select(g => $"{g.Key} on {Ports(g)}"));

    private static string What(FieldRow row) => row.Here.Outcome switch
    {
        ProbeOutcome.StartTlsAbsent => "it removes STARTTLS (the server's offer to encrypt)",
        ProbeOutcome.StartTlsRefused => "it blocks STARTTLS (the switch to encryption)",
        ProbeOutcome.TlsFailed => "it breaks the encrypted connection",
        ProbeOutcome.Unresolvable => "its DNS hides the mail server",
        _ => "it shows a certificate that is not the server's (someone may be reading the encrypted traffic)",
    };

    private static string Ports(IEnumerable<FieldRow> rows)
    {
        var ports = rows.Select(r => r.Here.Port).Distinct().ToList();
        return ports.Count == 1 ? $"port {ports[0]}" : $"ports {string.Join(", ", ports)}";
    }

    private static string Untested(FieldTarget target)
    {
        var untested = target.Rows.Where(r => r.Judgement.Level == FieldLevel.NotTested).ToList();
        return untested.Count == 0 ? "" : $" {char.ToUpperInvariant(Ports(untested)[0])}{Ports(untested)[1..]} could not be tested.";
    }

    private static string Lower(string sentence) => sentence.Length > 0 ? char.ToLowerInvariant(sentence[0]) + sentence[1..].TrimEnd('.') : sentence;
}
