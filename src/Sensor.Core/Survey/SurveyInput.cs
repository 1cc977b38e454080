using System.Security.Cryptography;
using System.Text;
using Sensor.Core.Probing;

namespace Sensor.Core.Survey;

/// <summary>
/// The list a survey probes: one mail domain, host or address a line, optionally HOST:PORT; '#'
/// starts a comment, blank lines are ignored, a name listed twice (in any case) is probed once.
/// A name without a port is a mail domain (MX on port 25); with a port it is probed as a host, SMTP.
/// An input read from a Mozilla ISPDB autoconfig directory (<see cref="AutoconfigDirectory"/>) names
/// each entry's servers in <see cref="Servers"/> instead.
/// </summary>
public sealed record SurveyInput(IReadOnlyList<string> Entries, IReadOnlyDictionary<string, IReadOnlyList<ProbeTarget>>? Servers = null)
{
    /// <summary>Parses the file's text; a bad line throws <see cref="FormatException"/> naming its line number.</summary>
    public static SurveyInput Parse(string text)
    {
        var entries = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var hash = raw.IndexOf('#');
            var line = (hash < 0 ? raw : raw[..hash]).Trim();
            if (line.Length == 0)
                continue;
            if (line.Any(char.IsWhiteSpace))
                throw new FormatException($"line {number}: one domain or host a line, not '{line}'");
            try
            {
                ProbeTarget.Parse(line, ProbeSelection.Smtp);
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {number}: {e.Message}");
            }
            if (seen.Add(line.TrimEnd('.')))
                entries.Add(line.TrimEnd('.').ToLowerInvariant());
        }
        return new SurveyInput(entries);
    }

    /// <summary>The probe target of a list entry: a mail domain (MX, port 25), or HOST:PORT spoken to as SMTP.</summary>
    public static ProbeTarget TargetOf(string entry) => ProbeTarget.Parse(entry, ProbeSelection.Smtp).Single();

    /// <summary>What an entry probes: the servers its autoconfig file lists, else the list entry's one target.</summary>
    public IReadOnlyList<ProbeTarget> TargetsOf(string entry) => Servers?.GetValueOrDefault(entry) ?? [TargetOf(entry)];

    /// <summary>
    /// The survey's id: SHA-256 over the entries (one a line, in file order), an autoconfig entry's
    /// servers, and the vantage, so the same list surveyed from the same place resumes, and comments
    /// or blank lines do not matter.
    /// </summary>
    public string Id(string vantage)
    {
        var lines = Servers is null ? Entries : Entries.Select(e => e + " " + string.Join(' ', TargetsOf(e).Select(t => $"{t.Protocol}/{t.Display}/{(t.ImplicitTls ? "tls" : "plain")}")));
        var text = string.Join('\n', lines) + "\n\0" + vantage;
        return "survey-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
