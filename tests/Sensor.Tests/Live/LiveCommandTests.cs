using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Live;

/// <summary>The real `sensor live` binary on lo, a real postfix behind the stripping proxy, SIGINT to stop it.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class LiveCommandTests
{
    private const string ProxyAddress = "127.0.0.41";

    [Fact]
    public void StrippedSmtpSessionWithAuthPlain_IsReportedWhileRunning_AndSigintExitsZero()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:587", ProxyAddress, port);
        using var sensor = LiveSensorProcess.Start("live", "-i", "lo", "--json", "--no-db", "--bpf", $"tcp port {port}");

        SmtpAuthPlainDialogue(ProxyAddress, port);

        // Reported as the session ends, before any signal: live mode judges on what is known so far.
        Assert.True(sensor.WaitForStdout(l => l.Contains("\"starttls-absent\""), TimeSpan.FromSeconds(20)),
            "no finding while running; stderr: " + sensor.Stderr);
        var exit = sensor.Interrupt();

        Assert.Equal(0, exit);
        var records = sensor.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var session = Assert.Single(records, r => r.GetProperty("type").GetString() == "session");
        Assert.Equal($"{ProxyAddress}:{port}", session.GetProperty("server").GetString());
        Assert.Equal("smtp", session.GetProperty("protocol").GetString());
        Assert.False(session.GetProperty("starttls_offered").GetBoolean());
        var credential = Assert.Single(records, r => r.GetProperty("type").GetString() == "finding" && r.GetProperty("kind").GetString() == "plaintext-credential");
        Assert.Equal("smtp-auth-plain", credential.GetProperty("variant").GetString());
        Assert.Equal($"{ProxyAddress}:{port}", credential.GetProperty("server").GetString());
        Assert.Equal("alice@example.test", credential.GetProperty("evidence").GetProperty("user").GetString());
        Assert.Equal("redacted", credential.GetProperty("evidence").GetProperty("secret").GetString());
        Assert.DoesNotContain("S3cret-Pa55", sensor.Stdout);
    }

    /// <summary>Without --json, stdout is for people: each finding one line as it is made, like Suricata's fast.log.</summary>
    [Fact]
    public void WithoutJson_EachFindingIsOneLineWhenItHappens()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:587", ProxyAddress, port);
        using var sensor = LiveSensorProcess.Start("live", "-i", "lo", "--no-db", "--bpf", $"tcp port {port}");

        SmtpAuthPlainDialogue(ProxyAddress, port);

        Assert.True(sensor.WaitForStdout(l => l.Contains(" [high] plaintext-credential/smtp-auth-plain "), TimeSpan.FromSeconds(20)),
            "no finding line while running; stderr: " + sensor.Stderr);
        Assert.Equal(0, sensor.Interrupt());
        var line = Assert.Single(sensor.StdoutLines, l => l.Contains("plaintext-credential"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \[high\] plaintext-credential/smtp-auth-plain smtp 127\.0\.0\.1:\d+ -> " +
            $"127\\.0\\.0\\.41:{port}(?: \\([^)]+\\))? user=alice@example\\.test: PLAIN for 'alice@example\\.test' to 127\\.0\\.0\\.41:{port}: .* \\(id [0-9a-f]{{16}}\\)$", line);
        Assert.Contains(sensor.StdoutLines, l => l.Contains(" starttls-absent "));
        Assert.DoesNotContain(sensor.StdoutLines, l => l.StartsWith('{'));
        Assert.DoesNotContain("S3cret-Pa55", sensor.Stdout);
    }

    /// <summary>Every --stats-interval the JSON Lines get a stats record of the counts since start.</summary>
    [Fact]
    public void StatsInterval_WritesTheStatsRecord_WithTheSessionAndFindingsCounted()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:587", ProxyAddress, port);
        using var sensor = LiveSensorProcess.Start("live", "-i", "lo", "--json", "--no-db", "--bpf", $"tcp port {port}", "--stats-interval", "1s");

        SmtpAuthPlainDialogue(ProxyAddress, port);

        Assert.True(sensor.WaitForStdout(l => l.StartsWith("{\"type\":\"stats\"") && l.Contains("\"plaintext-credential\":1"), TimeSpan.FromSeconds(30)),
            "no stats record counting the session; stderr: " + sensor.Stderr);
        Assert.Equal(0, sensor.Interrupt());
        var stats = JsonDocument.Parse(sensor.StdoutLines.Last(l => l.StartsWith("{\"type\":\"stats\"") && l.Contains("\"plaintext-credential\":1"))).RootElement;
        Assert.Equal("live", stats.GetProperty("mode").GetString());
        Assert.Equal(1, stats.GetProperty("findings_by_kind").GetProperty("plaintext-credential").GetInt64());
        Assert.True(stats.GetProperty("decode").GetProperty("tcp").GetInt64() >= 10);
        Assert.Equal(0, stats.GetProperty("drops").GetProperty("sensor").GetInt64());
        Assert.True(stats.GetProperty("packets").GetInt64() >= stats.GetProperty("decode").GetProperty("tcp").GetInt64());
    }

    [Fact]
    public void OpenSessionIsFlushedOnSigterm_AndWrittenToTheJsonlFile()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        var jsonl = Path.Combine(SensorProcess.TempDir(), "events.jsonl");
        using var proxy = new StripProxy("smtp", "strip", "127.0.0.1:587", ProxyAddress, port);
        using var sensor = LiveSensorProcess.Start("live", "-i", "lo", "--jsonl-file", jsonl, "--no-db", "--bpf", $"tcp port {port}");

        // The connection stays open while the sensor is stopped: the flush at shutdown reports it.
        using var client = new TcpClient(ProxyAddress, port);
        var (reader, stream) = (new StreamReader(client.GetStream(), Encoding.ASCII), client.GetStream());
        ReadReply(reader);
        Send(stream, "EHLO client.test");
        ReadReply(reader);
        Send(stream, "AUTH PLAIN " + Convert.ToBase64String("\0alice@example.test\0S3cret-Pa55"u8));
        Assert.StartsWith("235", ReadReply(reader));
        Thread.Sleep(1000); // let the capture see the last segments

        Assert.Equal(0, sensor.Interrupt("TERM"));
        var lines = File.ReadAllLines(jsonl);
        Assert.Contains(lines, l => l.Contains("\"plaintext-credential\"") && l.Contains("alice@example.test"));
        Assert.Contains(lines, l => l.Contains("\"type\":\"session\"") && l.Contains($"{ProxyAddress}:{port}"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(jsonl));
    }

    [Fact]
    public void UnknownInterface_IsOneLineAndExit2()
    {
        var run = SensorProcess.Run("live", "-i", "sensor-nosuch0", "--no-db");
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("sensor: error: no such interface: sensor-nosuch0", line);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void BpfThatDoesNotCompile_IsOneLineAndExit2()
    {
        var run = SensorProcess.Run("live", "-i", "lo", "--no-db", "--bpf", "tcp port");
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        // Without capture rights the open fails first: still one line and exit 2.
        Assert.Matches("^sensor: error: (bad capture filter \"tcp port\"|cannot capture on lo)", line);
    }

    /// <summary>
    /// As root, drops to nobody without capabilities (setpriv) to see the refusal; otherwise the test user already lacks them.
    /// nobody runs a copy of the build output in a folder anyone can read: the checkout may sit where only root can.
    /// </summary>
    [Fact]
    public void NoCapturePermission_IsOneLineAndExit2()
    {
        var build = WorldReadableCopy(AppContext.BaseDirectory);
        try
        {
            var (exitCode, stdout, stderr) = RunAsNobody(Path.Combine(build, "sensor.dll"), "live", "-i", "lo", "--no-db");
            Assert.Equal(2, exitCode);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("sensor: error: cannot capture on lo: ", line);
            Assert.EndsWith("(capturing needs root or CAP_NET_RAW)", line);
            Assert.Empty(stdout);
        }
        finally
        {
            Directory.Delete(build, recursive: true);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunAsNobody(string dll, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.UserName == "root" ? "setpriv" : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Environment.UserName == "root")
            foreach (var arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "dotnet" })
                start.ArgumentList.Add(arg);
        foreach (var arg in args.Prepend(dll))
            start.ArgumentList.Add(arg);
        start.Environment["HOME"] = start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000));
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string WorldReadableCopy(string folder)
    {
        var copy = Directory.CreateTempSubdirectory("sensor-build-").FullName;
        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode Searchable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var dir in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(copy, Path.GetRelativePath(folder, dir)));
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(folder, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, Readable);
        }
        foreach (var dir in Directory.GetDirectories(copy, "*", SearchOption.AllDirectories).Append(copy))
            File.SetUnixFileMode(dir, Searchable);
        return copy;
    }

    internal static void SmtpAuthPlainDialogue(string address, int port)
    {
        using var client = new TcpClient(address, port);
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.StartsWith("220", ReadReply(reader));
        Send(stream, "EHLO client.test");
        Assert.DoesNotContain("STARTTLS", ReadReply(reader)); // the proxy strips it
        Send(stream, "AUTH PLAIN " + Convert.ToBase64String("\0alice@example.test\0S3cret-Pa55"u8));
        Assert.StartsWith("235", ReadReply(reader));
        Send(stream, "QUIT");
        Assert.StartsWith("221", ReadReply(reader));
    }

    internal static void Send(NetworkStream stream, string line) => stream.Write(Encoding.ASCII.GetBytes(line + "\r\n"));

    /// <summary>A whole SMTP reply, continuation lines included.</summary>
    internal static string ReadReply(StreamReader reader)
    {
        var reply = new StringBuilder();
        string? line;
        do
        {
            line = reader.ReadLine() ?? throw new IOException("connection closed mid-reply");
            reply.AppendLine(line);
        } while (line.Length > 3 && line[3] == '-');
        return reply.ToString();
    }
}

/// <summary>`sensor live` as a long-running process: started, watched, and stopped with a signal.</summary>
internal sealed class LiveSensorProcess : IDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "sensor.dll");

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly ManualResetEventSlim _ready = new();

    private LiveSensorProcess(string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["XDG_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "sensor-tests-data");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } line) _stdout.Enqueue(line); };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
                return;
            lock (_stderr)
                _stderr.AppendLine(line);
            if (line.StartsWith("sensor: capturing on", StringComparison.Ordinal))
                _ready.Set();
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string[] StdoutLines => _stdout.ToArray();
    public string Stdout => string.Join('\n', _stdout);

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Starts the sensor and waits until it says capture is live.</summary>
    public static LiveSensorProcess Start(params string[] args) => StartWith(null, args);

    /// <summary>Starts the sensor with these environment variables set and waits until it says capture is live.</summary>
    public static LiveSensorProcess StartWith(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var sensor = new LiveSensorProcess(args, environment);
        if (!sensor._ready.Wait(TimeSpan.FromSeconds(30)))
        {
            sensor.Dispose();
            throw new InvalidOperationException("sensor live did not start capturing: " + sensor.Stderr);
        }
        return sensor;
    }

    public bool WaitForStdout(Func<string, bool> match, TimeSpan timeout) =>
        SpinWait.SpinUntil(() => _stdout.Any(match), timeout);

    /// <summary>Sends a signal (e.g. "HUP") without waiting for anything.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Sends SIGINT (or the named signal) and waits for the exit; returns the exit code.</summary>
    public int Interrupt(string signal = "INT")
    {
        Signal(signal);
        if (!_process.WaitForExit(30_000))
            throw new TimeoutException("sensor live did not exit after SIG" + signal);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        _ready.Dispose();
    }
}
