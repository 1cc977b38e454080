using Sensor.Cli.Service;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Service;

/// <summary>The shipped, annotated deploy/sensor.json loads as documented; key lines for error messages.</summary>
public class SettingsLoaderTests
{
    [Fact]
    public void ShippedExampleConfig_LoadsWithTheDocumentedValues()
    {
        var loaded = SettingsLoader.Load(Path.Combine(ProbeTestSupport.RepoRoot(), "deploy", "sensor.json"));
        var settings = loaded.Settings;

        Assert.Equal(["eth0"], settings.Capture.Interfaces);
        Assert.Null(settings.Capture.Bpf);
        Assert.Equal(32, settings.Capture.BufferMb);
        Assert.Null(settings.Rules.File);
        Assert.True(settings.Rules.Watch);
        Assert.Equal("/var/lib/sensor/sensor.db", settings.Storage.Db);
        Assert.Equal("/var/log/sensor/events.jsonl", settings.Sinks.JsonLines.Path);
        Assert.Equal(0, settings.Sinks.JsonLines.MaxSizeMb);
        Assert.Null(settings.Sinks.JsonLines.RotateEvery);
        Assert.Equal(14, settings.Sinks.JsonLines.Keep);
        Assert.False(settings.Sinks.ShowSecrets);
        Assert.Equal(1_000_000, settings.Caps.MaxFlows);
        Assert.Equal("127.0.0.1:9464", settings.Metrics.Prometheus);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Metrics.StatsInterval);
        SettingsValidator.Validate(settings, loaded.Sources);
    }

    [Fact]
    public void KeyLines_FollowNestingAndListItems_CaseInsensitive()
    {
        var json = "{\n \"A\": {\n  \"List\": [\n   \"x\",\n   \"y\"\n  ],\n  \"B\": 1\n },\n // note\n \"C\": true\n}"u8.ToArray();
        var lines = JsonKeyLines.Read(json);
        Assert.Equal(2, lines["a"]);
        Assert.Equal(3, lines["A:List"]);
        Assert.Equal(4, lines["A:List:0"]);
        Assert.Equal(5, lines["a:list:1"]);
        Assert.Equal(7, lines["A:B"]);
        Assert.Equal(10, lines["C"]);
        Assert.False(lines.ContainsKey("A:List:2"));
    }
}
