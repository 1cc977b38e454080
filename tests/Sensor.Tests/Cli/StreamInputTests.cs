using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>
/// Captures that are not regular files: `tcpdump -w - | sensor replay -`, a FIFO, /dev/stdin on a
/// pipe, each read once as a stream and giving the same records as the file; a directory is named as one.
/// </summary>
public class StreamInputTests
{
    private static SensorRun Shell(string script) => RunProgram("/bin/sh", ["-c", script]);

    private static string Sensor => $"dotnet '{DllPath}'";

    // Stores side by side share one fingerprint key and keep apart the history each run learns:
    // the file's run and the stream's give the same records, secret fingerprints included.
    private readonly string _data = TempDir();

    private string[] FromFile(string capture) => Records(Run("replay", capture, "--json", "--db", Path.Combine(_data, "file.db")));

    /// <summary>Sessions and findings (a verdict carries the time it was made).</summary>
    private static string[] Records(SensorRun run) => [.. run.StdoutLines.Where(l => !l.StartsWith("{\"type\":\"verdict\"")).Select(WithoutRunId)];

    private string Store => $"--db '{Path.Combine(_data, "stream.db")}'";

    [Fact]
    public void ARealTcpdumpPipeIsReadFromStdin()
    {
        var capture = BundledCapture("smtp-auth-plain-cleartext.pcap");
        var run = Shell($"tcpdump -r '{capture}' -w - 2>/dev/null | {Sensor} replay - --json {Store}");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Equal(FromFile(capture), Records(run));
        Assert.Contains(run.StdoutLines, l => l.Contains("\"user\":\"alice@example.test\""));
    }

    [Fact]
    public void ALiveTcpdumpPipeIsReadAsItComes()
    {
        // tcpdump on loopback writes pcap to the pipe while swaks logs in to the test Postfix in the clear.
        var run = Shell(
            "(tcpdump -i lo -U -w - 'tcp port 587' 2>/dev/null & td=$!; sleep 2; " +
            "swaks --server 127.0.0.1 --port 587 --from a@example.test --to b@example.test --auth PLAIN --auth-user pipe-user@example.test --auth-password not-this --quit-after AUTH >/dev/null 2>&1; " +
            "sleep 1; kill $td) | " + $"{Sensor} replay - --json --no-db");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.StdoutLines, l => l.Contains("\"kind\":\"plaintext-credential\"") && l.Contains("\"user\":\"pipe-user@example.test\""));
        Assert.DoesNotContain("not-this", run.Stdout);
    }

    [Theory]
    [InlineData("smtp-auth-plain-cleartext.pcapng")]
    [InlineData("smtp-two-interfaces.pcapng")]
    public void PcapngOnStdinGivesTheSameRecordsAsTheFile(string name)
    {
        var capture = BundledCapture(name);
        var run = Shell($"cat '{capture}' | {Sensor} replay - --json {Store}");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Equal(FromFile(capture), Records(run));
    }

    [Fact]
    public void AFifoIsReadAsAStream()
    {
        var capture = BundledCapture("smtp-strip-removed.pcap");
        var fifo = Path.Combine(TempDir(), "capture.fifo");
        var run = Shell($"mkfifo '{fifo}' && (cat '{capture}' > '{fifo}' &) && {Sensor} replay '{fifo}' --json {Store}");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Equal(FromFile(capture), Records(run));
    }

    [Fact]
    public void DevStdinOnAPipeIsReadAsAStream()
    {
        var capture = BundledCapture("smtp-strip-removed.pcap");
        var run = Shell($"cat '{capture}' | {Sensor} replay /dev/stdin --json {Store}");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(FromFile(capture), Records(run));
    }

    [Fact]
    public void AStreamCutShortIsATruncationWarning_AndWhatCameBeforeIsKept()
    {
        var capture = BundledCapture("smtp-auth-plain-cleartext.pcap");
        var run = Shell($"head -c 2700 '{capture}' | {Sensor} replay - --json --no-db");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^sensor: warning: -: truncated at byte 2672 after \d+ packets \(record cut short\)$", Assert.Single(run.StderrLines));
        Assert.Contains(run.StdoutLines, l => l.Contains("\"kind\":\"plaintext-credential\""));
    }

    [Fact]
    public void NotACaptureOnStdinIsOneLineAndExitTwo()
    {
        var run = Shell($"echo 'hello there' | {Sensor} replay - --no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: not a pcap or pcapng file: - (starts with 68656C6C)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void EvidenceFromStdinIsRefusedBeforeReading()
    {
        var run = Shell($"cat '{BundledCapture("smtp-strip-removed.pcap")}' | {Sensor} replay - --no-db --evidence '{TempDir()}'");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: --evidence reads the capture a second time, which stdin cannot give: save it to a file first", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void ADirectoryIsNamedAsOne()
    {
        var dir = TempDir();
        var run = Run("replay", dir, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: {dir} is a directory, not a capture file", Assert.Single(run.StderrLines));
    }
}
