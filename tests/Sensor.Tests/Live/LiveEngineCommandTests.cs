using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Live;

/// <summary>`sensor live` with the engine's options, on lo, a real postfix behind the stripping proxy.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class LiveEngineCommandTests
{
    private const string ProxyAddress = "127.0.0.42";

    [Fact]
    public void StripIsReportedAtTheEhloReplyWhileTheConnectionIsOpen_WithItsEvidencePcap()
    {
        int port = ProbeTestSupport.FreePort(IPAddress.Parse(ProxyAddress));
        var evidence = Path.Combine(SensorProcess.TempDir(), "evidence");
        using var proxy = new StripProxy("smtp", "mangle", "127.0.0.1:587", ProxyAddress, port);
        using var sensor = LiveSensorProcess.Start("live", "-i", "lo", "--json", "--no-db", "--workers", "2", "--evidence", evidence,
            "--bpf", $"tcp port {port}");

        using var client = new TcpClient(ProxyAddress, port);
        var (reader, stream) = (new StreamReader(client.GetStream(), Encoding.ASCII), client.GetStream());
        Assert.StartsWith("220", LiveCommandTests.ReadReply(reader));
        LiveCommandTests.Send(stream, "EHLO client.test");
        Assert.DoesNotContain("STARTTLS", LiveCommandTests.ReadReply(reader));

        // The connection stays open: the finding comes from the EHLO reply, not from the session's end.
        Assert.True(sensor.WaitForStdout(l => l.Contains("\"starttls-stripped\""), TimeSpan.FromSeconds(20)),
            "no finding at the EHLO reply; stderr: " + sensor.Stderr);
        Assert.DoesNotContain(sensor.StdoutLines, l => l.Contains("\"type\":\"session\""));
        var finding = JsonDocument.Parse(sensor.StdoutLines.Single(l => l.Contains("\"starttls-stripped\""))).RootElement;
        var pcap = finding.GetProperty("evidence").GetProperty("pcap").GetString()!;
        Assert.StartsWith(evidence, pcap);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pcap));
        var packets = ReplayHarness.Segments(pcap);
        Assert.Contains(packets, s => s.IsData && Encoding.ASCII.GetString(s.Payload).StartsWith("EHLO client.test"));
        Assert.Contains(packets, s => s.IsData && Encoding.ASCII.GetString(s.Payload).StartsWith("250-"));

        LiveCommandTests.Send(stream, "QUIT");
        Assert.StartsWith("221", LiveCommandTests.ReadReply(reader));
        client.Close();
        Assert.True(sensor.WaitForStdout(l => l.Contains("\"type\":\"session\""), TimeSpan.FromSeconds(20)), "no session record at the end");
        Assert.Equal(0, sensor.Interrupt());
        Assert.Single(sensor.StdoutLines, l => l.Contains("\"starttls-stripped\"")); // not again at the end
    }

    [Theory]
    [InlineData("--workers", "0", "--workers takes a whole number from 1 to 256, not '0'")]
    [InlineData("--memory-budget", "16", "a memory budget of 16 MiB is too small for")]
    public void BadEngineOption_IsOneLineAndExit2(string option, string value, string message)
    {
        var run = SensorProcess.Run("live", "-i", "lo", "--no-db", option, value);
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("sensor: error: " + message, line);
    }
}
