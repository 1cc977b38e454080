using System.Text.Json;

namespace Sensor.Core.Detection;

/// <summary>
/// Reads the EFF STARTTLS-Everywhere policy list (policy.json: {"policies": {domain: {"mode",
/// "mxs": [...]}}}). Each MX pattern becomes a server-name policy entry: a leading dot
/// (".example.org") matches any name under it, as the list's own format defines.
/// </summary>
public static class EffPolicyListLoader
{
    public static IReadOnlyList<PolicyEntry> Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return Read(document.RootElement, path);
        }
        catch (InvalidOperationException e) when (e.InnerException is System.Text.DecoderFallbackException)
        {
            // JsonDocument checks UTF-8 only when a string is read (found by fuzz/, target eff).
            throw new RuleFileException([new RuleError(path, 1, 1, "not valid JSON: a string is not UTF-8")]);
        }
        catch (JsonException e)
        {
            throw new RuleFileException([new RuleError(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, $"not valid JSON: {e.Message}")]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleFileException([new RuleError(path, 0, 0, $"cannot read: {e.Message}")]);
        }
    }

    private static List<PolicyEntry> Read(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("policies", out var policies) || policies.ValueKind != JsonValueKind.Object)
            throw new RuleFileException([new RuleError(path, 1, 1, "not an EFF policy list: no \"policies\" object")]);
        var entries = new List<PolicyEntry>();
        foreach (var domain in policies.EnumerateObject())
        {
            // Entries of another shape are skipped like ones without "mxs": reading them as objects and strings threw (found by fuzz/, target eff).
            if (domain.Value.ValueKind != JsonValueKind.Object || !domain.Value.TryGetProperty("mxs", out var mxs) || mxs.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var mx in mxs.EnumerateArray())
                if (mx.ValueKind == JsonValueKind.String && mx.GetString() is { Length: > 0 } pattern)
                    entries.Add(new PolicyEntry(ToPattern(pattern), null, $"eff:{domain.Name}"));
        }
        return entries;
    }

    private static string ToPattern(string mx) =>
        (mx.StartsWith('.') ? "*" + mx : mx).ToLowerInvariant();
}
