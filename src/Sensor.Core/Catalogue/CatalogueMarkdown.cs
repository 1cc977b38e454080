using System.Globalization;
using System.Text;
using Sensor.Core.Detection;

namespace Sensor.Core.Catalogue;

/// <summary>
/// docs/findings.md and docs/anomalies.md, made from the catalogue (scripts/generate-docs.sh writes
/// them; a test fails when the checked-in files differ).
/// </summary>
public static class CatalogueMarkdown
{
    private const string Generated = "<!-- Generated from src/Sensor.Core/Catalogue by scripts/generate-docs.sh: edit the catalogue, not this file. -->";

    public static string Findings()
    {
        var text = new StringBuilder();
        text.AppendLine("# Findings").AppendLine().AppendLine(Generated).AppendLine();
        text.AppendLine("A `finding` record (docs/output.md) names one problem in one session by `kind` and `variant`. The severity is the");
        text.AppendLine("default of `rules/default.yaml` (a rule file may change it, by `kind` or `kind/variant`); the confidence is one of");
        text.AppendLine("the values listed for the entry, always written with a fraction.").AppendLine();
        text.AppendLine("## Kinds").AppendLine();
        text.AppendLine("| kind | meaning |").AppendLine("| --- | --- |");
        foreach (var kind in FindingCatalogue.Kinds)
            text.AppendLine($"| `{kind.Kind}` | {kind.Description} |");
        foreach (var kind in FindingCatalogue.Kinds)
        {
            var entries = FindingCatalogue.Entries.Where(e => e.Kind == kind.Kind).ToList();
            if (entries.Count == 0)
                continue;
            text.AppendLine().AppendLine($"## `{kind.Kind}`").AppendLine();
            text.AppendLine("| variant | severity | confidence | evidence | meaning |").AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var entry in entries)
                text.AppendLine($"| {(entry.Variant is null ? "(none)" : $"`{entry.Variant}`")} | {entry.Severity.ToWire()} | {Confidence(entry)} | {string.Join(", ", entry.Evidence.Select(k => $"`{k}`"))} | {entry.Description} |");
        }
        text.AppendLine().AppendLine("## Evidence keys").AppendLine();
        text.AppendLine("Each key has one type in every finding that carries it.").AppendLine();
        text.AppendLine("| key | type | holds |").AppendLine("| --- | --- | --- |");
        foreach (var key in EvidenceKeys.All)
            text.AppendLine($"| `{key.Name}` | {key.TypeName} | {key.Description} |");
        return text.ToString();
    }

    public static string Anomalies()
    {
        var text = new StringBuilder();
        text.AppendLine("# Anomalies").AppendLine().AppendLine(Generated).AppendLine();
        text.AppendLine("A `session` record's `anomalies` lists, in the order seen (at most 64, then `anomalies-truncated`), what was odd");
        text.AppendLine("in its traffic: hostile or broken input is named and counted, never a crash. The `stats` record counts them by name.").AppendLine();
        text.AppendLine("| name | raised by | meaning |").AppendLine("| --- | --- | --- |");
        foreach (var entry in AnomalyCatalogue.Entries)
            text.AppendLine($"| `{entry.Name}` | {entry.Layer.ToString().ToLowerInvariant()} | {entry.Description} |");
        return text.ToString();
    }

    private static string Confidence(FindingEntry entry) =>
        entry.Confidence.Count == 1
            ? $"{Number(entry.Confidence[0].Value)} ({entry.Confidence[0].When})"
            : string.Join("; ", entry.Confidence.Select(c => $"{Number(c.Value)} when {c.When}"));

    private static string Number(double value) => value.ToString("0.0#", CultureInfo.InvariantCulture);
}
