using System.Diagnostics;

namespace Sensor.Tests.LiveNet;

/// <summary>What a finished external program printed and returned.</summary>
internal sealed record ToolRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Throws with everything the program said when it did not exit 0.</summary>
    public ToolRun EnsureSuccess(string what)
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"{what} exited {ExitCode}: {Stderr}{Stdout}");
        return this;
    }
}

/// <summary>Runs the real command-line tools the veth tests drive (ip, tcpreplay, tcprewrite, editcap, capinfos, swaks).</summary>
internal static class ExternalTool
{
    public static ToolRun Run(string program, params string[] args) => Run(TimeSpan.FromMinutes(2), program, args);

    public static ToolRun Run(TimeSpan timeout, string program, params string[] args)
    {
        using var process = Process.Start(StartInfo(program, args))
            ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return new ToolRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return start;
    }
}
