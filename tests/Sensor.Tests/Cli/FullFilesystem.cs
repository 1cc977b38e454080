namespace Sensor.Tests.Cli;

/// <summary>
/// A real small filesystem (tmpfs, mounted by the test, which runs as root like the network
/// namespace tests) filled until <c>freeKiB</c> are left; unmounted on dispose.
/// </summary>
public sealed class FullFilesystem : IDisposable
{
    public FullFilesystem(int sizeKiB, int freeKiB)
    {
        Path = SensorProcess.TempDir();
        Must(SensorProcess.RunProgram("mount", ["-t", "tmpfs", "-o", $"size={sizeKiB}k", "tmpfs", Path]));
        if (sizeKiB > freeKiB)
            Must(SensorProcess.RunProgram("dd", ["if=/dev/zero", $"of={System.IO.Path.Combine(Path, "fill")}", "bs=1k", $"count={sizeKiB - freeKiB}"]));
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    private static void Must(SensorRun run) => Assert.True(run.ExitCode == 0, run.Stderr);

    public void Dispose() => SensorProcess.RunProgram("umount", ["-l", Path]);
}
