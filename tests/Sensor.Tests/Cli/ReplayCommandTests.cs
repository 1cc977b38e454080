using System.Text.Json;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

public class ReplayCommandTests
{
    private const string Password = "S3cret-Pa55";

    [Fact]
    public void JsonLinesCarryTheContractFields()
    {
        var dir = TempDir();
        var run = Run("replay", BundledCapture("smtp-strip-removed.pcap"), "--json", "--db", Path.Combine(dir, "s.db"));
        Assert.Equal(0, run.ExitCode);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, records.Count(r => r.GetProperty("type").GetString() == "session"));
        var removed = Assert.Single(records, r => r.GetProperty("type").GetString() == "finding" && r.GetProperty("variant").GetString() == "removed");
        Assert.Equal("starttls-stripped", removed.GetProperty("kind").GetString());
        Assert.Equal("high", removed.GetProperty("severity").GetString());
        Assert.Equal("127.0.0.2:25", removed.GetProperty("server").GetString());
        var session = records.First(r => r.GetProperty("type").GetString() == "session" && r.GetProperty("server").GetString() == "127.0.0.1:25");
        Assert.True(session.GetProperty("starttls_offered").GetBoolean());
        Assert.Equal("mail.example.test", session.GetProperty("server_name").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", session.GetProperty("start").GetString());
    }

    [Fact]
    public void SecretsStayRedactedInJsonStoreLogsAndConsole()
    {
        var dir = TempDir();
        var db = Path.Combine(dir, "s.db");
        var log = Path.Combine(dir, "sensor.log");
        var json = Run("replay", BundledCapture("smtp-auth-plain-cleartext.pcap"), "--json", "--db", db, "--log-file", log, "--verbose");
        var human = Run("replay", BundledCapture("smtp-auth-plain-cleartext.pcap"), "--db", db);
        Assert.Equal(0, json.ExitCode);
        var plainBlob = Convert.ToBase64String("\0alice@example.test\0S3cret-Pa55"u8.ToArray());
        foreach (var text in new[] { json.Stdout, json.Stderr, human.Stdout, human.Stderr, File.ReadAllText(log), ReadAll(db) })
        {
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain(plainBlob, text);
        }
        Assert.Contains("\"secret\":\"redacted\"", json.Stdout);
        Assert.Contains("alice@example.test", json.Stdout);
    }

    [Fact]
    public void ShowSecretsRevealsThePassword()
    {
        var run = Run("replay", BundledCapture("smtp-auth-plain-cleartext.pcap"), "--json", "--no-db", "--show-secrets");
        Assert.Contains($"\"secret\":\"{Password}\"", run.Stdout);
    }

    [Fact]
    public void MissingFileIsOneLineAndExitTwo()
    {
        var run = Run("replay", "/nonexistent/capture.pcap", "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: /nonexistent/capture.pcap: no such file", Assert.Single(run.StderrLines));
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void NotACaptureIsOneLineAndExitTwo()
    {
        var path = Path.Combine(TempDir(), "notes.pcap");
        File.WriteAllText(path, "this is not a capture file\n");
        var run = Run("replay", path, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a pcap or pcapng file", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void UnsupportedLinkTypeIsOneLineAndExitTwo()
    {
        var path = Path.Combine(TempDir(), "usb.pcap");
        var header = new byte[24 + 16 + 4];
        BitConverter.GetBytes(0xa1b2c3d4u).CopyTo(header, 0);
        BitConverter.GetBytes((ushort)2).CopyTo(header, 4);
        BitConverter.GetBytes((ushort)4).CopyTo(header, 6);
        BitConverter.GetBytes(65535).CopyTo(header, 16);
        BitConverter.GetBytes(189).CopyTo(header, 20); // LINKTYPE_USB_LINUX
        BitConverter.GetBytes(4).CopyTo(header, 32);
        BitConverter.GetBytes(4).CopyTo(header, 36);
        File.WriteAllBytes(path, header);
        var run = Run("replay", path, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("link type", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void TruncatedFileReportsWhatWasReadAndWhere()
    {
        var run = Run("replay", BundledCapture("smtp-auth-plain-cleartext-truncated.pcap"), "--json", "--no-db");
        Assert.Equal(0, run.ExitCode);
        var warning = Assert.Single(run.StderrLines);
        Assert.Contains("truncated at byte 2672", warning);
        Assert.Contains(run.StdoutLines, l => l.Contains("\"kind\":\"plaintext-credential\""));
    }

    [Fact]
    public void ACaptureCutByItsSnapLengthSaysSoOnce()
    {
        // The real AUTH PLAIN session as `tcpdump -s 96` would have kept it.
        var path = Sensor.Tests.Capture.TestCaptureFiles.TempPath(".pcap");
        File.WriteAllBytes(path, Sensor.Tests.Capture.TestCaptureFiles.CutToSnapLength(File.ReadAllBytes(BundledCapture("smtp-auth-plain-cleartext.pcap")), 96));
        var run = Run("replay", path, "--json", "--no-db");
        Assert.Equal(0, run.ExitCode);
        var warning = Assert.Single(run.StderrLines);
        Assert.Matches(@"^sensor: warning: .*: \d+ of 23 frames were cut short by the capture's snap length \(96 bytes kept\): ", warning);

        // an uncut capture says nothing
        Assert.Empty(Run("replay", BundledCapture("smtp-auth-plain-cleartext.pcap"), "--json", "--no-db").StderrLines);
    }

    [Fact]
    public void UnwritableDatabaseIsOneLineAndExitTwo()
    {
        var run = Run("replay", BundledCapture("no-mail.pcap"), "--db", "/proc/sensor-cannot-write/s.db");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("sensor: error: cannot open the database", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void FailOnHighExitsOneOnlyWhenSuchAFindingIsMade()
    {
        Assert.Equal(1, Run("replay", BundledCapture("smtp-auth-login-cleartext.pcap"), "--no-db", "--fail-on", "high").ExitCode);
        Assert.Equal(0, Run("replay", BundledCapture("smtp-starttls-clean.pcap"), "--no-db", "--fail-on", "high").ExitCode);
        Assert.Equal(2, Run("replay", BundledCapture("smtp-starttls-clean.pcap"), "--no-db", "--fail-on", "severe").ExitCode);
    }

    [Fact]
    public void FailOnHighWithJsonLines_ExitsOneOnlyWhenSuchAFindingIsMade()
    {
        Assert.Equal(1, Run("replay", BundledCapture("smtp-auth-login-cleartext.pcap"), "--no-db", "--json", "--fail-on", "high").ExitCode);
        Assert.Equal(0, Run("replay", BundledCapture("smtp-starttls-clean.pcap"), "--no-db", "--json", "--fail-on", "high").ExitCode);
    }

    [Fact]
    public void EvidencePcapsHoldOnlyThatSessionAndAreOwnerOnly()
    {
        var dir = Path.Combine(TempDir(), "evidence");
        var run = Run("replay", BundledCapture("smtp-strip-removed.pcap"), "--json", "--no-db", "--evidence", dir);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        Assert.Equal(0, run.ExitCode);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var findings = records.Where(r => r.GetProperty("type").GetString() == "finding").ToList();
        var pcaps = records.Where(r => r.GetProperty("type").GetString() == "evidence")
            .ToDictionary(r => r.GetProperty("finding").GetString()!, r => r.GetProperty("pcap").GetString()!);
        Assert.Equal(5, findings.Count);
        foreach (var finding in findings)
        {
            var path = pcaps[finding.GetProperty("id").GetString()!];
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var (sink, read) = Replay.ReplayHarness.RunFiles(path);
            Assert.True(read.Packets > 0);
            var session = Assert.Single(sink.Sessions);
            Assert.Equal(finding.GetProperty("client").GetString(), session.Client);
        }
    }

    [Fact]
    public void EvidenceRecordsNameTheRunTheirFindingsCameFrom()
    {
        var dir = TempDir();
        var run = Run("replay", BundledCapture("smtp-strip-removed.pcap"), "--json", "--db", Path.Combine(dir, "s.db"), "--evidence", Path.Combine(dir, "evidence"));
        Assert.Equal(0, run.ExitCode);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string RunOf(string type) => records.Where(r => r.GetProperty("type").GetString() == type).Select(r => r.GetProperty("run").GetString()!).Distinct().Single();
        Assert.Matches("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$", RunOf("finding"));
        Assert.Equal(RunOf("finding"), RunOf("evidence"));
    }

    [Fact]
    public void AFullDiskIsOneLineAndExitTwo()
    {
        var run = RunWithStdout("/dev/full", "replay", BundledCapture("smtp-strip-removed.pcap"), "--json", "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: replay stopped: No space left on device", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void UnknownOptionIsBadUsage()
    {
        var run = Run("replay", "--no-such-option", BundledCapture("no-mail.pcap"));
        Assert.Equal(2, run.ExitCode);
    }

    private static string ReadAll(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        return reader.ReadToEnd();
    }
}
