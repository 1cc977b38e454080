using Sensor.Tests.Cli;

namespace Sensor.Tests.Service;

/// <summary>The real binary with a config file that cannot run: one line naming the file and line (or the variable), exit 2, nothing on stdout.</summary>
public class ConfigErrorTests
{
    private static string ConfigFile(string json)
    {
        var path = Path.Combine(SensorProcess.TempDir(), "sensor.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static void AssertOneLineExit2(SensorRun run, string expectedLine)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expectedLine, Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void BadJson_GivesFileLineAndColumn()
    {
        var path = ConfigFile("{\n  \"Capture\": {\n    \"Interfaces\": [\"lo\"]\n    \"Bpf\": \"tcp\"\n  }\n}\n");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", path, "--no-db"),
            $"sensor: error: {path}:4:5: not valid JSON: '\"' is invalid after a value. Expected either ',', '}}', or ']'.");
    }

    [Fact]
    public void WrongType_GivesFileAndLineOfTheKey()
    {
        var path = ConfigFile("{\n  // comments are allowed\n  \"Capture\": {\n    \"Interfaces\": [\"lo\"],\n    \"BufferMb\": \"lots\",\n  },\n}\n");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", path, "--no-db"),
            $"sensor: error: {path}:5: Capture:BufferMb: expected a whole number, not 'lots'");
    }

    [Fact]
    public void UnknownKey_IsAnError_NotIgnored()
    {
        var path = ConfigFile("{\n  \"Capture\": { \"Interfaces\": [\"lo\"] },\n  \"Sinks\": {\n    \"JsonLines\": { \"Path\": \"/tmp/x\", \"MaxSize\": 5 }\n  }\n}\n");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", path, "--no-db"),
            $"sensor: error: {path}:4: Sinks:JsonLines:MaxSize: unknown key (known here: Path, MaxSizeMb, RotateEvery, Keep)");
    }

    [Fact]
    public void UnknownSection_IsAnError()
    {
        var path = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] },\n\"Storge\": { \"Enabled\": false } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", path),
            $"sensor: error: {path}:2: Storge: unknown key (known here: Capture, Rules, Storage, Sinks, Caps, Metrics, Bus, Fleet, CrossCheck)");
    }

    [Fact]
    public void BadCrossCheckAndBusValues_GiveTheirLines()
    {
        var agent = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] },\n  \"CrossCheck\": { \"Enabled\": true,\n \"Via\": [\"lab\", \"no such agent\"] } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", agent, "--no-db"),
            $"sensor: error: {agent}:3: CrossCheck:Via:1: takes an agent name (1-64 letters, digits, '-' or '_'), not 'no such agent'");

        var url = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] },\n  \"Bus\": {\n \"Url\": \"nats://user:secret@127.0.0.1:4222\" } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", url, "--no-db"),
            $"sensor: error: {url}:3: Bus:Url: must not carry credentials in the URL (they would show in ps); use --creds, --user with --password-file, or --token-file");

        var step = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] },\n  \"CrossCheck\": { \"StepTimeout\": \"00:20:00\" } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", step, "--no-db"),
            $"sensor: error: {step}:2: CrossCheck:StepTimeout: must be above zero and at most 00:10:00");
    }

    [Fact]
    public void AgentsOrPublishingWithoutABus_IsOneLine()
    {
        var via = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] }, \"CrossCheck\": { \"Enabled\": true, \"Via\": [\"lab\"] } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", via, "--no-db"), "sensor: error: CrossCheck:Via needs the bus: Bus:Url in the config file, or --bus");

        var publish = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] }, \"Fleet\": { \"Publish\": true } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", publish, "--no-db"), "sensor: error: Fleet:Publish needs the bus: Bus:Url in the config file, or --bus");
    }

    [Fact, Trait(TestCategories.Name, TestCategories.Integration)] // opens a capture: needs CAP_NET_RAW
    public void UnknownInterfaceInTheFile_GivesItsLine()
    {
        var path = ConfigFile("{\n  \"Capture\": {\n    \"Interfaces\": [\n      \"lo\",\n      \"sensor-nosuch1\"\n    ]\n  }\n}\n");
        var run = SensorProcess.Run("live", "--config", path, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"sensor: error: {path}:5: no such interface: sensor-nosuch1 (available: ", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void WrongTypeInTheEnvironment_NamesTheVariable()
    {
        var path = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] } }");
        var run = SensorProcess.RunWithEnvironment(new Dictionary<string, string> { ["SENSOR__Sinks__Console"] = "yes" }, "live", "--config", path, "--no-db");
        AssertOneLineExit2(run, "sensor: error: environment variable SENSOR__Sinks__Console: Sinks:Console: expected true or false, not 'yes'");
    }

    [Fact]
    public void LoggingSection_UnknownSinkOrLevel_IsOneLine()
    {
        var sink = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] },\n  \"Logging\": { \"WriteTo\": [\n { \"Name\": \"Consol\" } ] } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", sink, "--no-db"),
            $"sensor: error: {sink}:3: Logging:WriteTo:0:Name: unknown log sink 'Consol' (known: Console, File)");

        var level = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] }, \"Logging\": { \"MinimumLevel\": \"Loud\" } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", level, "--no-db"),
            "sensor: error: Logging: The value Loud is not a valid Serilog level.");
    }

    [Fact]
    public void MetricsEndpointOnAWildcardAddress_IsRefused()
    {
        var path = ConfigFile("{ \"Capture\": { \"Interfaces\": [\"lo\"] },\n  \"Metrics\": { \"Prometheus\": \"0.0.0.0:9464\" } }");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", path, "--no-db"),
            $"sensor: error: {path}:2: Metrics:Prometheus: must be an address of this host and a port, like 127.0.0.1:9464, [::1]:9464 or 192.0.2.10:9464 (one address: the listener cannot serve a wildcard such as 0.0.0.0), not '0.0.0.0:9464'");
    }

    [Fact]
    public void MissingConfigFile_AndNoInterface_AreOneLineEach()
    {
        var missing = Path.Combine(SensorProcess.TempDir(), "absent.json");
        var run = SensorProcess.Run("live", "--config", missing);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"sensor: error: {missing}: cannot read the config file: ", Assert.Single(run.StderrLines));

        var empty = ConfigFile("{}");
        AssertOneLineExit2(SensorProcess.Run("live", "--config", empty, "--no-db"),
            "sensor: error: no interface to capture on: give -i IFACE or Capture:Interfaces in the config file");
    }

    [Fact, Trait(TestCategories.Name, TestCategories.Integration)] // opens a capture: needs CAP_NET_RAW
    public void BadRuleFileNamedInTheConfig_IsOneLine()
    {
        var dir = SensorProcess.TempDir();
        var rules = Path.Combine(dir, "rules.yaml");
        File.WriteAllText(rules, "version: 1\nseverities:\n  no-such-kind: high\n");
        var path = ConfigFile($"{{ \"Capture\": {{ \"Interfaces\": [\"lo\"] }}, \"Rules\": {{ \"File\": \"{rules}\" }} }}");
        var run = SensorProcess.Run("live", "--config", path, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"sensor: error: {rules}:3:3: unknown finding kind 'no-such-kind'", Assert.Single(run.StderrLines));
    }
}
