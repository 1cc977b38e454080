using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

public class RulesCommandTests
{
    private static string RulesDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "rules", "default.yaml")))
                return Path.Combine(dir.FullName, "rules");
        throw new DirectoryNotFoundException("rules/");
    }

    [Fact]
    public void ShippedRulesAreValid()
    {
        var run = Run("rules", "check", Path.Combine(RulesDir(), "default.yaml"));
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("default.yaml: ok", run.Stdout);
    }

    [Fact]
    public void InvalidRulesGiveLinePreciseErrorsAndExitTwo()
    {
        var path = Path.Combine(TempDir(), "bad.yaml");
        File.WriteAllText(path, "version: 1\nseverities:\n  starttls-stripped: catastrophic\n");
        var run = Run("rules", "check", path);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"{path}:3:22: severity must be", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void ReplayRefusesABadRuleFileWithOneLine()
    {
        var path = Path.Combine(TempDir(), "bad.yaml");
        File.WriteAllText(path, "version: 2\n");
        var run = Run("replay", BundledCapture("no-mail.pcap"), "--no-db", "--rules", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(":1:10: unsupported version", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void PolicyListTurnsAbsentIntoRemoved()
    {
        var path = Path.Combine(TempDir(), "policy.json");
        File.WriteAllText(path, """{"policies":{"example.test":{"mode":"enforce","mxs":["nowhere.example.test"]}}}""");
        var rules = Path.Combine(TempDir(), "require.yaml");
        File.WriteAllText(rules, "version: 1\nrequire_starttls:\n  - server: '127.0.0.3:143'\n");
        var without = Run("replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--json", "--no-db", "--policy", path);
        var with = Run("replay", BundledCapture("imap-strip-absent-unknown.pcap"), "--json", "--no-db", "--policy", rules);
        Assert.Contains(without.StdoutLines, l => l.Contains("\"kind\":\"starttls-absent\""));
        Assert.Contains(with.StdoutLines, l => l.Contains("\"variant\":\"removed\"") && l.Contains("policy"));
    }
}
