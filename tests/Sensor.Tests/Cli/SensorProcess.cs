using System.Diagnostics;

namespace Sensor.Tests.Cli;

/// <summary>Runs the real `sensor` binary (built beside the tests) as a user would, and keeps what it printed.</summary>
public sealed record SensorRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

public static class SensorProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "sensor.dll");

    public static SensorRun Run(params string[] args) => RunProgram("dotnet", [Dll, .. args]);

    /// <summary>Runs sensor inside a network namespace the test made (ip netns exec).</summary>
    public static SensorRun RunInNamespace(string netns, params string[] args) => RunProgram("ip", ["netns", "exec", netns, "dotnet", Dll, .. args]);

    public static string DllPath => Dll;

    /// <summary>Runs sensor with these environment variables set.</summary>
    public static SensorRun RunWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProgram("dotnet", [Dll, .. args], environment);

    /// <summary>Runs any program the same way (bounded to 120 s unless <paramref name="limit"/> says), e.g. a test's helper script.</summary>
    public static SensorRun RunProgram(string program, string[] args, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? limit = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["XDG_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "sensor-tests-data");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit ?? TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sensor {string.Join(' ', args)} did not finish");
        }
        return new SensorRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs sensor through the shell with stdout sent to a file (e.g. /dev/full, to see a write fail).</summary>
    public static SensorRun RunWithStdout(string stdoutPath, params string[] args)
    {
        var quoted = string.Join(' ', args.Select(a => $"'{a}'"));
        return RunProgram("/bin/sh", ["-c", $"dotnet '{Dll}' {quoted} > '{stdoutPath}'"]);
    }

    /// <summary>JSON Lines with the keyed secret fingerprints blanked: with --no-db each run keys them anew.</summary>
    public static string WithoutFingerprints(string jsonl) =>
        System.Text.RegularExpressions.Regex.Replace(jsonl, "hmac-sha256:[0-9a-f]+", "hmac-sha256:*");

    /// <summary>A record with its run id blanked: two runs into two stores are two runs, whose records are otherwise the same.</summary>
    public static string WithoutRunId(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, "\"run\":\"[^\"]+\"", "\"run\":\"*\"");

    public static string BundledCapture(string name) => Path.Combine(Replay.Manifest.CapturesDirectory, name);

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sensor-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
