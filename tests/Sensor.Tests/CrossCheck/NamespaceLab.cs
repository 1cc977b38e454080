using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// A lab of network namespaces made by one of the lab scripts beside this file (`SCRIPT up DIR PREFIX
/// ...`, `capture`, `down`): its directory, a prefix of its own for the namespaces' and interfaces'
/// names, and the teardown on dispose, also when the set-up failed half-way.
/// </summary>
public abstract class NamespaceLab : IDisposable
{
    private readonly string _script;

    public string Directory { get; } = SensorProcess.TempDir();
    // Interface names are PREFIX plus three letters: 15 characters at most, so PREFIX is 12 (the name and random hex digits).
    public string Prefix { get; }

    protected NamespaceLab(string script, string prefix, params string[] up)
    {
        _script = Path.Combine(ProbeTestSupport.RepoRoot(), "tests", "Sensor.Tests", "CrossCheck", script);
        Prefix = prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes((12 - prefix.Length) / 2));
        try
        {
            Run("up", up);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Swaks sessions one after another from "here" to the lab's server (STARTTLS when offered), captured on here's interface.</summary>
    public string CaptureSessions(params string[] args)
    {
        Run("capture", args);
        return Path.Combine(Directory, "capture.pcap");
    }

    private void Run(string command, params string[] args)
    {
        var run = SensorProcess.RunProgram("bash", [_script, command, Directory, Prefix, .. args]);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(_script)} {command} failed ({run.ExitCode}): {run.Stderr}{run.Stdout}");
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        Run("down");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
