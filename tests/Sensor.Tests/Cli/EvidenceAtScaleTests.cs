using System.Buffers.Binary;
using System.Text.Json;
using Sensor.Core.Capture;
using Sensor.Tests.Capture;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>
/// `replay --evidence` on a capture with far more findings than the process may keep files open:
/// every finding's pcap is written, and each is named by an evidence record only once it exists.
/// </summary>
public class EvidenceAtScaleTests
{
    private const int Copies = 150; // 2 findings each (the credential and the message): 300 files

    [Fact]
    public void ThreeHundredFindingsUnderAnOpenFileLimitOf256_AllGetTheirPcap()
    {
        var dir = TempDir();
        var capture = Path.Combine(dir, "many.pcap");
        File.WriteAllBytes(capture, ManySessions(BundledCapture("smtp-auth-plain-cleartext.pcap"), Copies));
        var evidence = Path.Combine(dir, "evidence");

        var run = RunProgram("/bin/sh", ["-c", $"ulimit -n 256 && exec dotnet '{DllPath}' replay --json --no-db --evidence '{evidence}' '{capture}'"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.StderrLines);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var findings = records.Where(r => r.GetProperty("type").GetString() == "finding").ToDictionary(r => r.GetProperty("id").GetString()!);
        var written = records.Where(r => r.GetProperty("type").GetString() == "evidence").ToList();
        Assert.Equal(2 * Copies, findings.Count);
        Assert.Equal(findings.Keys.Order(), written.Select(e => e.GetProperty("finding").GetString()!).Order());
        Assert.All(findings.Values, f => Assert.False(f.GetProperty("evidence").TryGetProperty("pcap", out _)));
        foreach (var record in written)
        {
            var finding = findings[record.GetProperty("finding").GetString()!];
            var pcap = record.GetProperty("pcap").GetString()!;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pcap));
            var (sink, read) = Replay.ReplayHarness.RunFiles(pcap);
            Assert.Equal(record.GetProperty("packets").GetInt64(), read.Packets);
            Assert.Equal(finding.GetProperty("client").GetString(), Assert.Single(sink.Sessions).Client);
            Assert.Equal(finding.GetProperty("session").GetString(), record.GetProperty("session").GetString());
        }
    }

    /// <summary>The real capture's frames again and again, each copy a second later from another client port.</summary>
    internal static byte[] ManySessions(string capture, int copies)
    {
        var handler = new RecordingHandler();
        new CaptureReader([capture]).Read(handler);
        var frames = new List<TestFrame>();
        for (int copy = 0; copy < copies; copy++)
            foreach (var packet in handler.Packets)
                frames.Add(new TestFrame(packet.Ticks + copy * TimeSpan.TicksPerSecond, WithClientPort(packet.Data, (ushort)(20000 + copy))));
        return TestCaptureFiles.Classic(handler.Packets[0].LinkType, frames);
    }

    /// <summary>Ethernet, IPv4, TCP: the port that is not the server's (587) becomes <paramref name="port"/>.</summary>
    private static byte[] WithClientPort(byte[] frame, ushort port)
    {
        var copy = (byte[])frame.Clone();
        var tcp = copy.AsSpan(14 + (copy[14] & 0x0F) * 4);
        var side = BinaryPrimitives.ReadUInt16BigEndian(tcp) == 587 ? tcp[2..] : tcp;
        BinaryPrimitives.WriteUInt16BigEndian(side, port);
        return copy;
    }
}
