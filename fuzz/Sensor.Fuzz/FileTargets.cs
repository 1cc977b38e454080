using System.Text;
using Sensor.Core.Detection;
using Sensor.Core.Survey;

namespace Sensor.Fuzz;

/// <summary>Files a user or a download hands the sensor: rule files, the EFF policy list, ISPDB autoconfig XML.</summary>
internal static class FileTargets
{
    private static readonly string JsonPath = Path.Combine(Path.GetTempPath(), $"sensor-fuzz-{Environment.ProcessId}.json");

    /// <summary>A rule file (YAML) layered on the defaults. Allowed out: <see cref="RuleFileException"/>.</summary>
    public static void Rules(ReadOnlySpan<byte> data)
    {
        try
        {
            RuleFileLoader.Parse(Encoding.UTF8.GetString(data), "fuzz.yaml", DefaultRules.Rules);
        }
        catch (RuleFileException)
        {
        }
    }

    /// <summary>The EFF STARTTLS-Everywhere policy.json. Allowed out: <see cref="RuleFileException"/>.</summary>
    public static void EffPolicy(ReadOnlySpan<byte> data)
    {
        File.WriteAllBytes(JsonPath, data.ToArray());
        try
        {
            EffPolicyListLoader.Load(JsonPath);
        }
        catch (RuleFileException)
        {
        }
    }

    /// <summary>One ISPDB clientConfig document. Allowed out: <see cref="FormatException"/>.</summary>
    public static void Autoconfig(ReadOnlySpan<byte> data)
    {
        try
        {
            AutoconfigDirectory.Parse("example.org", new MemoryStream(data.ToArray()));
        }
        catch (FormatException)
        {
        }
    }
}
