using System.Text.Json;
using System.Text.RegularExpressions;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Tests.Cli;
using Sensor.Tests.Live;
using Sensor.Tests.Replay;

namespace Sensor.Tests.LiveNet;

/// <summary>
/// tcpreplay sends the bundled captures at top speed from a test namespace onto a veth; `sensor live`
/// captures the root-namespace end. Its findings must be the findings of `sensor replay` on the same
/// files, and every frame tcpreplay sent must be read by the sensor or counted as a kernel drop (frames
/// the sensor itself discards when a queue is full are counted among those read). The veth end the sensor
/// reads is unaddressed, and the frames carry foreign MACs, so the host's IP stack never takes them.
/// </summary>
[Collection(VethCollection.Name)]
[Trait(TestCategories.Name, TestCategories.Integration)]
public partial class TcpreplayTests
{
    /// <summary>One worker: every session of a server is judged in capture order, as in replay.</summary>
    [Fact]
    public void BundledCapturesAtTopSpeed_OneWorker_GiveTheFindingsOfReplay_AndEveryFrameIsCounted() =>
        AssertLiveMatchesReplay("--workers", "1");

    /// <summary>
    /// Two workers: the clean session that shows the server offering STLS and the stripped one a few ms later
    /// land on different workers; the stripped one's `absent` waits out its grace, so it is `removed` as in replay.
    /// </summary>
    [Fact]
    public void BundledCapturesAtTopSpeed_DefaultWorkers_GiveTheFindingsOfReplay_AndEveryFrameIsCounted() =>
        AssertLiveMatchesReplay();

    private static void AssertLiveMatchesReplay(params string[] sensorOptions)
    {
        var (captures, framed) = BundledCaptures();
        using var veth = VethNamespace.Create(addressed: false, mtu: 65535);
        using var sensor = VethSensor.Start(veth, sensorOptions);

        long sent = Tcpreplay(veth, framed);
        WaitUntilQuiet(sensor);
        Assert.Equal(0, sensor.Interrupt("TERM"));

        long passing = PassingDefaultFilter(framed);
        Assert.True(passing < sent && passing > sent * 9 / 10, $"{passing} of {sent} frames pass the default filter");
        var counts = CaptureCounts.Parse(sensor.Stderr, veth.HostInterface);
        Assert.Equal(passing, counts.Read + counts.KernelDropped);
        Assert.Equal(0, counts.SensorDropped); // else the findings could not match
        var replay = SensorProcess.Run(["replay", .. captures.Select(c => c.Path), "--json", "--no-db"]);
        Assert.Equal(0, replay.ExitCode);
        var expected = FindingSet(replay.StdoutLines);
        Assert.Contains(("starttls-stripped", "removed", "127.0.0.2:25", "-"), expected); // the set is not trivially empty
        var live = FindingSet(sensor.StdoutLines);
        Assert.True(expected.SetEquals(live),
            $"only in replay: {string.Join(", ", expected.Except(live))}; only in live: {string.Join(", ", live.Except(expected))}");
    }

    /// <summary>
    /// Before the engine read pcap_stats itself, SharpPcap 6.3.1's statistics (pcap_stat's u_int fields
    /// declared IntPtr) made this report 0 kernel drops of 129149 on 64-bit Linux.
    /// </summary>
    [Fact]
    public void FramesDroppedWhileTheSensorIsStalled_AreCountedAsKernelDrops()
    {
        var (_, framed) = BundledCaptures();
        using var veth = VethNamespace.Create(addressed: false, mtu: 65535);
        using var sensor = VethSensor.Start(veth);
        var pid = SensorPid(veth.HostInterface);

        // Stopped, the sensor reads nothing: ~115 MB of frames overrun any capture buffer, so the kernel must drop.
        Signal(pid, "STOP");
        long sent;
        try
        {
            sent = Tcpreplay(veth, framed, "--loop=100");
        }
        finally
        {
            Signal(pid, "CONT");
        }
        WaitUntilQuiet(sensor);
        Assert.Equal(0, sensor.Interrupt("TERM"));

        var counts = CaptureCounts.Parse(sensor.Stderr, veth.HostInterface);
        Assert.True(counts.KernelDropped > 0, $"no kernel drops reported although {sent - counts.Read} of {sent} frames were never read");
        // Linux's drop count (tp_drops) also takes in some frames the filter would have left out under overrun.
        Assert.InRange(counts.Read + counts.KernelDropped, PassingDefaultFilter(framed) * 100, sent);
    }

    /// <summary>The bundled captures in time order, and the same files framed for a veth.</summary>
    private static (IReadOnlyList<VethFraming.CaptureInfo> Captures, string[] Framed) BundledCaptures()
    {
        // A pcapng whose interfaces differ in link type ("per-packet") has no one framing tcpreplay could send.
        // The IP fragment captures are one session cut several ways with the same IP identifications and
        // times: merged by replay their fragments meet across files, sent one file after another they do
        // not (LiveFragmentTests covers fragments in live).
        var captures = VethFraming.InTimeOrder(Manifest.Load().Captures.Select(c => c.Path))
            .Where(c => c.Encapsulation != "per-packet" && !Replay.ReplayHarness.HasIpFragments(c.Path)).ToList();
        var workDir = SensorProcess.TempDir();
        return (captures, captures.Select(c => VethFraming.ForVeth(c, workDir)).ToArray());
    }

    /// <summary>
    /// The frames of these files the default capture filter passes (tcpdump applies the same filter, capinfos
    /// counts; the truncated capture makes tcpdump exit 1 after its last whole frame): it keeps TCP and the
    /// tunnels, and leaves out the real VXLAN captures' underlay ARP and neighbour discovery.
    /// </summary>
    private static long PassingDefaultFilter(string[] framedFiles)
    {
        var filtered = Path.Combine(SensorProcess.TempDir(), "filtered.pcap");
        return framedFiles.Sum(file =>
        {
            ExternalTool.Run("tcpdump", "-r", file, "-w", filtered, CaptureFilter.Default(LinkType.Ethernet));
            var info = ExternalTool.Run("capinfos", "-c", "-M", filtered).EnsureSuccess("capinfos").Stdout;
            return long.Parse(PacketCount().Match(info).Groups[1].Value);
        });
    }

    [GeneratedRegex(@"Number of packets:\s+(\d+)")]
    private static partial Regex PacketCount();

    /// <summary>Sends the files in order at top speed from the namespace end; returns the frames tcpreplay says it sent.</summary>
    private static long Tcpreplay(VethNamespace veth, string[] files, params string[] options)
    {
        var run = veth.Exec(TimeSpan.FromMinutes(2), "tcpreplay", ["-i", veth.InnerInterface, "--topspeed", .. options, .. files])
            .EnsureSuccess("tcpreplay");
        Assert.Equal("0", FailedPackets().Match(run.Stdout).Groups[1].Value);
        return long.Parse(SuccessfulPackets().Match(run.Stdout).Groups[1].Value);
    }

    /// <summary>The sensor has read what the wire carried once its output stops growing.</summary>
    private static void WaitUntilQuiet(LiveSensorProcess sensor)
    {
        int lines = -1;
        while (lines != sensor.StdoutLines.Length)
        {
            lines = sensor.StdoutLines.Length;
            Thread.Sleep(2000);
        }
    }

    /// <summary>(kind, variant, server, user) of every finding, "-" for null.</summary>
    private static SortedSet<(string, string, string, string)> FindingSet(IEnumerable<string> lines) =>
        new(lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "finding")
            .Select(f => (f.GetProperty("kind").GetString()!, f.GetProperty("variant").GetString() ?? "-",
                f.GetProperty("server").GetString()!, f.GetProperty("evidence").TryGetProperty("user", out var u) ? u.GetString() ?? "-" : "-")));

    private static int SensorPid(string iface) =>
        int.Parse(ExternalTool.Run("pgrep", "-f", $"sensor.dll live -i {iface} ").EnsureSuccess("pgrep").Stdout.Split('\n')[0]);

    private static void Signal(int pid, string signal) => ExternalTool.Run("kill", "-" + signal, pid.ToString()).EnsureSuccess("kill");

    [GeneratedRegex(@"Successful packets:\s+(\d+)")]
    private static partial Regex SuccessfulPackets();

    [GeneratedRegex(@"Failed packets:\s+(\d+)")]
    private static partial Regex FailedPackets();
}
