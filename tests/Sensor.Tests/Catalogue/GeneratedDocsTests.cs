using Sensor.Core.Catalogue;
using Sensor.Core.Output;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Catalogue;

/// <summary>
/// docs/findings.md, docs/anomalies.md and docs/schema/records.schema.json are made from the code;
/// the checked-in files must be what it makes now. scripts/generate-docs.sh sets
/// SENSOR_WRITE_DOCS=1 to write them instead.
/// </summary>
public class GeneratedDocsTests
{
    public static TheoryData<string> Files() => ["findings.md", "anomalies.md", "schema/records.schema.json"];

    [Theory]
    [MemberData(nameof(Files))]
    public void CheckedInFile_IsWhatTheCodeMakes(string name)
    {
        var made = name switch
        {
            "findings.md" => CatalogueMarkdown.Findings(),
            "anomalies.md" => CatalogueMarkdown.Anomalies(),
            _ => RecordSchema.Text(),
        };
        var path = Path.Combine(Manifest.CapturesDirectory, "..", "docs", name);
        if (Environment.GetEnvironmentVariable("SENSOR_WRITE_DOCS") == "1")
            File.WriteAllText(path, made);
        Assert.True(File.Exists(path), $"docs/{name} is missing: run scripts/generate-docs.sh");
        Assert.True(made == File.ReadAllText(path), $"docs/{name} is out of date: run scripts/generate-docs.sh");
    }
}
