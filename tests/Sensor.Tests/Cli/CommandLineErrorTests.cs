using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>
/// What System.CommandLine cannot read is one line on stderr and exit 2: a mistyped verb or option with its
/// "did you mean", a bad value with the option's own message; `sensor` alone is the help, exit 0.
/// </summary>
public class CommandLineErrorTests
{
    [Theory]
    [InlineData(new[] { "replai", "x.pcap" }, "sensor: error: unknown command 'replai' (did you mean 'replay'?)")]
    [InlineData(new[] { "rules", "chek", "x.yaml" }, "sensor: error: unknown command 'chek' (did you mean 'check'?)")]
    [InlineData(new[] { "replay", "--memory-budge", "64", "x.pcap" }, "sensor: error: unknown option '--memory-budge' (did you mean '--memory-budget'?)")]
    [InlineData(new[] { "replay", "x.pcap", "--jsn" }, "sensor: error: unknown option '--jsn' (did you mean '--json'?)")]
    [InlineData(new[] { "live", "--verbos" }, "sensor: error: unknown option '--verbos' (did you mean '--verbose'?)")]
    [InlineData(new[] { "probe", "--enumerat", "127.0.0.1" }, "sensor: error: unknown option '--enumerat' (did you mean '--enumerate'?)")]
    [InlineData(new[] { "xyzzy" }, "sensor: error: unknown command 'xyzzy' (see 'sensor --help')")]
    [InlineData(new[] { "replay", "--no-such-option", "x.pcap" }, "sensor: error: unknown option '--no-such-option' (see 'sensor replay --help')")]
    [InlineData(new[] { "replay" }, "sensor: error: required argument missing for command: 'replay' (see 'sensor replay --help')")]
    [InlineData(new[] { "agent" }, "sensor: error: option '--name' is required (see 'sensor agent --help')")]
    [InlineData(new[] { "replay", "x.pcap", "--fail-on", "urgent" }, "sensor: error: --fail-on takes info, low, medium or high, not 'urgent'")]
    [InlineData(new[] { "tail", "--since", "soon" }, "sensor: error: --since takes a positive duration like 7d, 12h, 1h30m or 90s, not 'soon'")]
    [InlineData(new[] { "agent", "--name", "a.b" }, "sensor: error: --name takes 1-64 letters, digits, '-' or '_', not 'a.b'")]
    [InlineData(new[] { "probe", "--via", "a.b", "127.0.0.1" }, "sensor: error: --via takes an agent name (1-64 letters, digits, '-' or '_'), tor or socks5://HOST:PORT, not 'a.b'")]
    [InlineData(new[] { "probe", "--attempts", "many", "127.0.0.1" }, "sensor: error: --attempts takes a whole number from 1 to 10, not 'many'")]
    [InlineData(new[] { "probe", "--bus", "nats://u:p@127.0.0.1:4222", "--via", "lab", "127.0.0.1" }, "sensor: error: --bus must not carry credentials in the URL (they would show in ps); use --creds, --user with --password-file, or --token-file")]
    public void BadCommandLine_IsOneLine_AndExit2(string[] args, string line)
    {
        var run = Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(line, Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void SensorAlone_PrintsTheHelp_AndExits0()
    {
        var run = Run();
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        Assert.StartsWith("Description:", run.Stdout);
        Assert.Contains("  replay ", run.Stdout);
    }

    [Fact]
    public void AFileThatLooksLikeAnOption_IsReadWhenItExists()
    {
        var dir = TempDir();
        File.Copy(BundledCapture("smtp-auth-plain-cleartext.pcapng"), Path.Combine(dir, "-capture.pcapng"));
        var run = RunProgram("dotnet", [DllPath, "replay", "--json", "--no-db", "-capture.pcapng"], workingDirectory: dir);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\"kind\":\"plaintext-credential\"", run.Stdout);
    }
}
