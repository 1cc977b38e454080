using System.Globalization;

namespace Sensor.Core.Probing.Dns;

/// <summary>An MTA-STS policy (RFC 8461 §3.2) as parsed from the text served at /.well-known/mta-sts.txt.</summary>
public sealed class MtaStsPolicy
{
    public const long MaxAgeLimit = 31557600;

    public string Version { get; set; } = "";
    public string Mode { get; set; } = "";
    public List<string> Mx { get; set; } = [];
    public long MaxAge { get; set; }

    /// <summary>
    /// Parses a policy: "key: value" lines ending in LF or CRLF; version STSv1, mode enforce, testing
    /// or none, max_age 0..31557600 and at least one mx pattern (unless mode is none) are required;
    /// an mx pattern is a host name, optionally with "*." as its left-most label only. Unknown keys
    /// are ignored (§3.2); a repeated single-valued key takes the first value. Returns null and a
    /// one-line reason when the policy is invalid.
    /// </summary>
    public static MtaStsPolicy? Parse(string text, out string? error)
    {
        error = null;
        string? version = null, mode = null, maxAge = null;
        var mx = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                error = $"not a 'key: value' line: '{Short(line)}'";
                return null;
            }
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim(' ', '\t');
            switch (key)
            {
                case "version": version ??= value; break;
                case "mode": mode ??= value; break;
                case "max_age": maxAge ??= value; break;
                case "mx": mx.Add(value); break;
            }
        }
        if (version != "STSv1")
            error = version is null ? "no version field" : $"version '{Short(version)}' is not STSv1";
        else if (mode is not ("enforce" or "testing" or "none"))
            error = mode is null ? "no mode field" : $"mode '{Short(mode)}' is not enforce, testing or none";
        else if (maxAge is null)
            error = "no max_age field";
        else if (maxAge.Length is 0 or > 10 || !maxAge.All(char.IsAsciiDigit) || !long.TryParse(maxAge, NumberStyles.None, CultureInfo.InvariantCulture, out var age) || age > MaxAgeLimit)
            error = $"max_age '{Short(maxAge)}' is not a number of seconds from 0 to {MaxAgeLimit}";
        else if (mx.Count == 0 && mode != "none")
            error = "no mx field";
        else if (mx.FirstOrDefault(p => !IsValidPattern(p)) is { } bad)
            error = $"mx '{Short(bad)}' is not a host name or '*.' followed by one";
        if (error is not null)
            return null;
        return new MtaStsPolicy { Version = version!, Mode = mode!, MaxAge = long.Parse(maxAge!, CultureInfo.InvariantCulture), Mx = mx };
    }

    /// <summary>Whether an MX host matches one of the policy's patterns (§4.1): "*." stands for exactly one left-most label.</summary>
    public bool MatchesMx(string mxHost) => Mx.Any(p => PatternMatches(p, mxHost));

    public static bool PatternMatches(string pattern, string host)
    {
        pattern = pattern.TrimEnd('.').ToLowerInvariant();
        host = host.TrimEnd('.').ToLowerInvariant();
        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
            return pattern == host;
        var dot = host.IndexOf('.');
        return dot > 0 && host[(dot + 1)..] == pattern[2..];
    }

    private static bool IsValidPattern(string pattern)
    {
        var name = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[2..] : pattern;
        var labels = name.TrimEnd('.').Split('.');
        return name.Length is > 0 and <= 253 && labels.Length >= 1 && labels.All(l =>
            l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'));
    }

    private static string Short(string s) => s.Length <= 60 ? s : s[..60] + "…";
}

/// <summary>The DNS TXT records of MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3).</summary>
public static class MailPolicyTxt
{
    /// <summary>The single "v=STSv1" record among a name's TXT texts, with its id; null with a reason otherwise.</summary>
    public static (string? Txt, string? Id, string? Error) StsRecord(IEnumerable<string> texts)
    {
        var sts = texts.Where(t => t.StartsWith("v=STSv1", StringComparison.Ordinal)).ToList();
        if (sts.Count == 0)
            return (null, null, "no v=STSv1 TXT record");
        if (sts.Count > 1)
            return (sts[0], null, $"{sts.Count} v=STSv1 TXT records: senders assume no policy (RFC 8461 §3.1)");
        var fields = Fields(sts[0]);
        if (fields.FirstOrDefault(f => f.Key == "v").Value != "STSv1")
            return (sts[0], null, "the record does not start with v=STSv1;");
        var id = fields.FirstOrDefault(f => f.Key == "id").Value;
        if (id is null || id.Length is 0 or > 32 || !id.All(char.IsAsciiLetterOrDigit))
            return (sts[0], null, "no valid id= (1 to 32 letters and digits)");
        return (sts[0], id, null);
    }

    /// <summary>The single "v=TLSRPTv1" record among a name's TXT texts, or null.</summary>
    public static string? TlsRptRecord(IEnumerable<string> texts)
    {
        var rpt = texts.Where(t => t.StartsWith("v=TLSRPTv1", StringComparison.Ordinal)).ToList();
        return rpt.Count == 1 ? rpt[0] : null;
    }

    private static List<KeyValuePair<string, string>> Fields(string record) =>
        [.. record.Split(';').Select(f => f.Trim()).Where(f => f.Length > 0).Select(f =>
        {
            var eq = f.IndexOf('=');
            return eq < 0 ? new KeyValuePair<string, string>(f, "") : new(f[..eq].Trim(), f[(eq + 1)..].Trim());
        })];
}

/// <summary>The probe record's "mta_sts" object: the TXT records as published, and the policy when one was fetched.</summary>
public sealed class MtaStsCheck
{
    public bool Checked { get; set; }
    public string? Domain { get; set; }
    public string? Txt { get; set; }
    public string? Id { get; set; }
    public MtaStsPolicy? Policy { get; set; }
    public bool? MxMatch { get; set; }
    public string? Tlsrpt { get; set; }
    public string? Dnssec { get; set; }
    public string? Note { get; set; }

    public static MtaStsCheck NotChecked(string note) => new() { Note = note };
}
