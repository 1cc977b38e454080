using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Catalogue;

/// <summary>
/// Whether what the sensor made keeps to the catalogue: a finding's kind and variant are listed,
/// its confidence is one the entry names, its evidence keys are the entry's with their types; a
/// session's anomalies are listed. The catalogue tests and the fuzz targets ask it.
/// </summary>
public static class CatalogueCheck
{
    /// <summary>What is wrong with <paramref name="finding"/>, or null when nothing is.</summary>
    public static string? Problem(Finding finding)
    {
        if (FindingCatalogue.Find(finding.Kind, finding.Variant) is not { } entry)
            return $"finding {finding.Kind}/{finding.Variant} is not in the catalogue";
        if (!entry.Confidence.Any(c => c.Value == finding.Confidence))
            return $"{entry.Name}: confidence {finding.Confidence} is not one the catalogue names";
        foreach (var (key, value) in finding.Evidence)
        {
            if (!entry.Evidence.Contains(key))
                return $"{entry.Name}: evidence key '{key}' is not the catalogue's";
            if (EvidenceKeys.Find(key) is not { } known || !known.Accepts(value))
                return $"{entry.Name}: evidence '{key}' holds a {value?.GetType().Name ?? "null"}, not the catalogue's type";
        }
        return null;
    }

    /// <summary>The session's anomalies that are not in the catalogue.</summary>
    public static IEnumerable<string> UnknownAnomalies(MailSession session) =>
        session.Anomalies.Where(name => !AnomalyCatalogue.Contains(name));
}
