using System.Formats.Tar;
using System.IO.Compression;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Packaging;

/// <summary>
/// The release artefacts the packaging tests check: those in $SENSOR_RELEASE_DIR when it is set (a real
/// `scripts/release.sh` output), else built once for the test run by scripts/release.sh with RELEASE_FAST=1
/// (linux-x64, linux-arm64, win-x64; self-contained single files without AOT or ReadyToRun, which the
/// packaging does not depend on and which would take most of the suite's time on two cores).
/// </summary>
public sealed class ReleaseBuild : IDisposable
{
    public const string Version = "0.0.0-test";
    private readonly string? _built;

    public ReleaseBuild()
    {
        if (Environment.GetEnvironmentVariable("SENSOR_RELEASE_DIR") is { Length: > 0 } given)
        {
            Directory = given;
            return;
        }
        _built = SensorProcess.TempDir();
        Directory = _built;
        var run = SensorProcess.RunProgram("bash", ["scripts/release.sh", Version, "linux-x64", "linux-arm64", "win-x64"],
            new Dictionary<string, string> { ["RELEASE_DIR"] = _built, ["RELEASE_FAST"] = "1" }, TimeSpan.FromMinutes(25), ProbeTestSupport.RepoRoot());
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"scripts/release.sh failed ({run.ExitCode}): {run.Stderr}");
    }

    public string Directory { get; }

    public string Artefact(string pattern) => Assert.Single(System.IO.Directory.GetFiles(Directory, pattern));

    /// <summary>The archive for <paramref name="rid"/> unpacked into a new directory; the path of its binary.</summary>
    public string Unpack(string rid)
    {
        var dir = SensorProcess.TempDir();
        if (rid.StartsWith("win-", StringComparison.Ordinal))
        {
            ZipFile.ExtractToDirectory(Artefact($"sensor-*-{rid}.zip"), dir);
            return Assert.Single(System.IO.Directory.GetFiles(dir, "sensor.exe", SearchOption.AllDirectories));
        }
        using (var gz = new GZipStream(File.OpenRead(Artefact($"sensor-*-{rid}.tar.gz")), CompressionMode.Decompress))
            TarFile.ExtractToDirectory(gz, dir, overwriteFiles: false);
        return Assert.Single(System.IO.Directory.GetFiles(dir, "sensor", SearchOption.AllDirectories));
    }

    public void Dispose()
    {
        if (_built is not null)
            System.IO.Directory.Delete(_built, recursive: true);
    }
}

/// <summary>
/// Run alone, after the other tests: installing the .deb puts /etc/sensor/sensor.json in place, which
/// `sensor live` reads by default, so a live test running beside it would take the package's config.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReleaseCollection : ICollectionFixture<ReleaseBuild>
{
    public const string Name = "release artefacts";
}
