using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Service;

/// <summary>
/// deploy/grafana/sensor.json and deploy/prometheus/alerts.yml: the dashboard loads and shows what operators
/// watch, both use only metrics the sensor exports (those deploy/sensor.json lists), and the alert rules pass
/// promtool's check and their own unit tests (deploy/prometheus/alerts.test.yml; Debian's prometheus package).
/// </summary>
public partial class MonitoringFilesTests
{
    private static readonly string Deploy = Path.Combine(ProbeTestSupport.RepoRoot(), "deploy");

    [Fact]
    public void Dashboard_Loads_AndHasAPanelForEachThingOperatorsWatch()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Deploy, "grafana", "sensor.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .ToDictionary(p => p.GetProperty("title").GetString()!, p => p.GetProperty("targets")[0].GetProperty("expr").GetString()!);

        Assert.Equal("sensor-overview", dashboard.RootElement.GetProperty("uid").GetString());
        Assert.Contains("sensor_packets_total", panels["Packets captured"]);
        Assert.Contains("by (instance, source)", panels["Drops by source"]);
        Assert.Contains("by (kind, severity)", panels["Findings by kind and severity"]);
        Assert.Contains("sensor_sessions_total", panels["Sessions"]);
        Assert.Contains("sensor_queue_depth", panels["Queue depth"]);
        Assert.Contains("sensor_verdicts_total", panels["Cross-check verdicts"]);
        Assert.Contains("sensor_bus_waiting", panels["Bus lag (records waiting)"]);
        Assert.All(panels.Values, expr => Assert.Subset(ExportedMetrics(), MetricNames(expr)));
    }

    [Fact, Trait(TestCategories.Name, TestCategories.Packaging)] // promtool, from Debian's prometheus package
    public void AlertRules_PassPromtool_AndTheirUnitTests_AndUseExportedMetrics()
    {
        var dir = Path.Combine(Deploy, "prometheus");
        var check = SensorProcess.RunProgram("promtool", ["check", "rules", Path.Combine(dir, "alerts.yml")]);
        var test = SensorProcess.RunProgram("promtool", ["test", "rules", Path.Combine(dir, "alerts.test.yml")]);

        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Contains("SUCCESS: 4 rules found", check.Stdout);
        Assert.True(test.ExitCode == 0, test.Stdout + test.Stderr);
        Assert.Subset(ExportedMetrics(), MetricNames(File.ReadAllText(Path.Combine(dir, "alerts.yml"))));
    }

    /// <summary>The metric names the annotated config documents (its Metrics section), with sensor_build_info.</summary>
    private static HashSet<string> ExportedMetrics() => MetricNames(File.ReadAllText(Path.Combine(Deploy, "sensor.json")));

    private static HashSet<string> MetricNames(string text) => [.. MetricName().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\bsensor_[a-z_]+[a-z]\b")]
    private static partial Regex MetricName();
}
