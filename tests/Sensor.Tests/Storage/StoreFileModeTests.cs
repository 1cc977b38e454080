using Sensor.Core.Storage;
using Sensor.Tests.Cli;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Storage;

/// <summary>The store holds user names: its files are the owner's alone from the moment they exist, as the evidence pcaps are.</summary>
public class StoreFileModeTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void AReplayCreatesTheStoreOwnerOnly_AndTheLogFileWhileItLives()
    {
        var db = Path.Combine(TempDir(), "data", "sensor.db");
        var run = Run("replay", BundledCapture("smtp-auth-plain-cleartext.pcap"), "--db", db, "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("alice@example.test", ReadShared(db));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(db));
        var log = OwnerOnlyFiles.LogFileOf(db);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(db)!, "sensor-log.db"), log);
        if (File.Exists(log))
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(log));
    }

    [Fact]
    public void TheLogFileOfAnOpenStoreIsOwnerOnly()
    {
        var db = Path.Combine(TempDir(), "s.db");
        using (var store = SensorStore.Open(db))
        {
            store.AddProbes([new Sensor.Core.Output.ProbeRecord { Vantage = "here", Server = "192.0.2.1:25", Ts = "2026-12-01T00:00:00Z" }]);
            Assert.True(File.Exists(OwnerOnlyFiles.LogFileOf(db)));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(OwnerOnlyFiles.LogFileOf(db)));
        }
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(db));
        using (SensorStore.Open(db))
        {
        }
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(db));
    }

    [Fact]
    public void AStoreAlreadyThereKeepsTheModeItsOwnerGaveIt()
    {
        var db = Path.Combine(TempDir(), "s.db");
        using (SensorStore.Open(db))
        {
        }
        File.SetUnixFileMode(db, OwnerOnly | UnixFileMode.GroupRead);
        using (SensorStore.Open(db))
        {
        }
        Assert.Equal(OwnerOnly | UnixFileMode.GroupRead, File.GetUnixFileMode(db));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        return reader.ReadToEnd();
    }
}
