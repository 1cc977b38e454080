using System.Text.Json;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>--no-db writes nothing: no store, no fingerprint key, wherever HOME points (or cannot be written).</summary>
public class NoDbTests
{
    [Fact]
    public void NoDbLeavesHomeAndTheWorkingFolderEmpty_AndStillFingerprintsTheSecret()
    {
        var home = TempDir();
        var work = TempDir();
        var run = RunProgram("/bin/sh", ["-c", $"cd '{work}' && exec dotnet '{DllPath}' replay '{BundledCapture("smtp-auth-plain-cleartext.pcap")}' --no-db --json"],
            new Dictionary<string, string> { ["HOME"] = home, ["XDG_DATA_HOME"] = "" });

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
        var credential = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)
            .Single(r => r.GetProperty("type").GetString() == "finding" && r.GetProperty("kind").GetString() == "plaintext-credential");
        Assert.Equal("alice@example.test", credential.GetProperty("evidence").GetProperty("user").GetString());
        Assert.Equal("redacted", credential.GetProperty("evidence").GetProperty("secret").GetString());
        Assert.Matches("^hmac-sha256:[0-9a-f]{16}$", credential.GetProperty("evidence").GetProperty("secret_fingerprint").GetString());
    }

    [Fact]
    public void NoDbRunsWhereTheDataFolderCannotBeWritten()
    {
        var run = RunWithEnvironment(new Dictionary<string, string> { ["XDG_DATA_HOME"] = "/proc/sensor-no-data" },
            "replay", BundledCapture("smtp-auth-plain-cleartext.pcap"), "--no-db", "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Contains("\"kind\":\"plaintext-credential\"", run.Stdout);
    }

    [Fact]
    public void WithAStoreTheKeyLivesBesideIt_OwnerOnly_AndFingerprintsRepeatAcrossRuns()
    {
        var db = Path.Combine(TempDir(), "s.db");
        string Fingerprint() => Run("replay", BundledCapture("smtp-auth-plain-cleartext.pcap"), "--db", db, "--json").StdoutLines
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(r => r.GetProperty("type").GetString() == "finding" && r.GetProperty("kind").GetString() == "plaintext-credential")
            .GetProperty("evidence").GetProperty("secret_fingerprint").GetString()!;
        Assert.Equal(Fingerprint(), Fingerprint());
        var key = Path.Combine(Path.GetDirectoryName(db)!, "fingerprint.key");
        Assert.Equal(32, new FileInfo(key).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }
}
