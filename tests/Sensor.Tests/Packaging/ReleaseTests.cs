using Sensor.Tests.Cli;

namespace Sensor.Tests.Packaging;

/// <summary>
/// scripts/release.sh's artefacts: their sums, the arm64 build under qemu-user against the x64 build, and
/// the .deb installed, checked and removed on this machine (root; dpkg, systemd-analyze, lintian and
/// qemu-user-static from Debian, installed by scripts/setup-test-servers.sh).
/// </summary>
[Collection(ReleaseCollection.Name)]
[Trait(TestCategories.Name, TestCategories.Packaging)]
public class ReleaseTests(ReleaseBuild release)
{
    private static readonly string[] Captures = ["smtp-auth-plain-cleartext.pcapng", "smtp-two-interfaces.pcapng", "imap-strip-mangled.pcap", "pop3-apop.pcap"];

    [Fact]
    public void EveryArtefact_HasItsSha256Sum_AndTheSumsHold()
    {
        var sums = File.ReadAllLines(Path.Combine(release.Directory, "SHA256SUMS"));
        var named = sums.Select(l => l.Split("  ")[1]).ToHashSet();
        foreach (var artefact in Directory.GetFiles(release.Directory).Select(Path.GetFileName))
            if (!artefact!.EndsWith(".sha256", StringComparison.Ordinal) && artefact != "SHA256SUMS")
                Assert.Contains(artefact, named);
        Assert.Contains(named, n => n.EndsWith("linux-arm64.tar.gz", StringComparison.Ordinal));
        Assert.Contains(named, n => n.EndsWith("win-x64.zip", StringComparison.Ordinal));
        Assert.Contains(named, n => n.EndsWith("_amd64.deb", StringComparison.Ordinal));
        var check = SensorProcess.RunProgram("sh", ["-c", $"cd '{release.Directory}' && sha256sum -c --strict SHA256SUMS"]);
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
    }

    [Fact]
    public void Arm64Build_UnderQemu_SaysWhatTheX64BuildSays()
    {
        var x64 = release.Unpack("linux-x64");
        var arm64 = release.Unpack("linux-arm64");
        string[] replay = ["replay", "--json", "--no-db", .. Captures.Select(SensorProcess.BundledCapture)];

        var version = SensorProcess.RunProgram(x64, ["--version"]);
        var armVersion = SensorProcess.RunProgram("qemu-aarch64-static", [arm64, "--version"]);
        var events = SensorProcess.RunProgram(x64, replay);
        var armEvents = SensorProcess.RunProgram("qemu-aarch64-static", [arm64, .. replay]);

        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith(ReleaseBuild.Version + "+", version.Stdout);
        Assert.Equal(version.Stdout, armVersion.Stdout);
        Assert.True(events.ExitCode == 0, events.Stderr);
        Assert.True(armEvents.ExitCode == 0, armEvents.Stderr);
        Assert.Contains("\"kind\":\"plaintext-credential\"", events.Stdout);
        Assert.Equal(SensorProcess.WithoutFingerprints(events.Stdout), SensorProcess.WithoutFingerprints(armEvents.Stdout));
    }

    [Fact]
    public void Deb_Installs_ItsUnitVerifies_ItRuns_AndItRemoves()
    {
        var deb = release.Artefact("sensor_*_amd64.deb");
        try
        {
            Dpkg("-i", deb);
            Assert.Equal(0, Run("systemd-analyze", "verify", "/lib/systemd/system/sensor.service").ExitCode);
            Assert.StartsWith(ReleaseBuild.Version + "+", Run("/usr/bin/sensor", "--version").Stdout);
            Assert.Contains("sensor:x:", File.ReadAllText("/etc/passwd"));
            Assert.Equal("640 root sensor", Run("stat", "-c", "%a %U %G", "/etc/sensor/sensor.json").Stdout.Trim());
            Assert.Equal("/usr/share/man/man1/sensor.1.gz", Run("man", "-w", "sensor").Stdout.Trim());
            Assert.Contains("sensor replay", Run("man", "-P", "cat", "sensor").Stdout);
            // bash-completion loads /usr/share/bash-completion/completions/sensor on the first tab after `sensor`
            Assert.Equal(File.ReadAllText(Path.Combine(Replay.Manifest.CapturesDirectory, "..", "deploy", "completions", "sensor.bash")),
                File.ReadAllText("/usr/share/bash-completion/completions/sensor"));
            Assert.StartsWith("#compdef sensor\n", File.ReadAllText("/usr/share/zsh/vendor-completions/_sensor"));
            Assert.Equal(0, Run("logrotate", "--debug", "/etc/logrotate.d/sensor").ExitCode);
            Assert.Contains("ExecStart=/usr/bin/sensor live --config /etc/sensor/sensor.json", File.ReadAllText("/lib/systemd/system/sensor.service"));

            Dpkg("-r", "sensor");
            Assert.False(File.Exists("/usr/bin/sensor"));
            Assert.True(File.Exists("/etc/sensor/sensor.json"), "a removed package keeps its conffiles");
            Dpkg("-P", "sensor");
            Assert.False(File.Exists("/etc/sensor/sensor.json"));
        }
        finally
        {
            Run("dpkg", "-P", "sensor");
        }
    }

    /// <summary>
    /// lintian's verdict with the two tags docs/install.md explains: the .NET runtime inside the binary carries
    /// its own zlib (zlib-ng), and the config is 0640 because it may name credential files.
    /// </summary>
    [Fact]
    public void Deb_Lintian_SaysOnlyTheExplainedTags()
    {
        var run = Run("lintian", "--no-tag-display-limit", release.Artefact("sensor_*_amd64.deb"));
        var tags = run.StdoutLines.Where(l => l.Length > 2 && l[1] == ':').Select(l => l.Split(' ', 3)[2]).Order().ToArray();
        Assert.Equal(["embedded-library zlib [usr/bin/sensor]", "non-standard-file-perm 0640 != 0644 [etc/sensor/sensor.json]"], tags);
    }

    private static SensorRun Run(string program, params string[] args) => SensorProcess.RunProgram(program, args);

    /// <summary>dpkg, waiting out another dpkg or apt holding the lock.</summary>
    private static void Dpkg(params string[] args)
    {
        for (int attempt = 0; ; attempt++)
        {
            var run = SensorProcess.RunProgram("dpkg", args);
            if (run.ExitCode == 0)
                return;
            if (attempt == 20 || !run.Stderr.Contains("lock", StringComparison.Ordinal))
                Assert.Fail($"dpkg {string.Join(' ', args)}: {run.Stderr}");
            Thread.Sleep(3000);
        }
    }
}
