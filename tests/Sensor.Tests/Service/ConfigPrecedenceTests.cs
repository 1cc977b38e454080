using Sensor.Tests.Cli;
using Sensor.Tests.Live;

namespace Sensor.Tests.Service;

/// <summary>The real binary on lo: the environment wins over the config file, the command line over both.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class ConfigPrecedenceTests
{
    private static string FilterLine(string filter) => $"sensor: capturing on lo with filter \"{filter}\"";

    private static string StartAndStop(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var sensor = LiveSensorProcess.StartWith(environment, args);
        Assert.Equal(0, sensor.Interrupt());
        return sensor.Stderr;
    }

    [Fact]
    public void EnvironmentOverridesTheFile_AndTheCommandLineOverridesBoth()
    {
        var config = Path.Combine(SensorProcess.TempDir(), "sensor.json");
        File.WriteAllText(config, "{ \"Capture\": { \"Interfaces\": [\"lo\"], \"Bpf\": \"tcp port 1\" }, \"Storage\": { \"Enabled\": false } }");
        var environment = new Dictionary<string, string> { ["SENSOR__Capture__Bpf"] = "tcp port 2" };

        Assert.Contains(FilterLine("tcp port 1"), StartAndStop(null, "live", "--config", config));
        Assert.Contains(FilterLine("tcp port 2"), StartAndStop(environment, "live", "--config", config));
        Assert.Contains(FilterLine("tcp port 3"), StartAndStop(environment, "live", "--config", config, "--bpf", "tcp port 3"));
    }
}
