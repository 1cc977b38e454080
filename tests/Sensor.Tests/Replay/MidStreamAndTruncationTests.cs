using Sensor.Core.Capture;
using Sensor.Core.Decoding;

namespace Sensor.Tests.Replay;

/// <summary>Captures that start late or stop early: what was on the wire in between is still reported, and nothing crashes.</summary>
public class MidStreamAndTruncationTests
{
    private static string Path(string file) => System.IO.Path.Combine(Manifest.CapturesDirectory, file);

    [Fact]
    public void PickedUpAfterTheHandshakeAndGreetingStillFindsTheCredential()
    {
        var segments = ReplayHarness.Segments(Path("smtp-auth-plain-cleartext.pcap"));
        // Start the capture at the client's first command after the greeting: no SYN, no SYN/ACK, no banner.
        int ehlo = segments.FindIndex(s => s.IsData && s.Destination.Port == 587);
        var late = segments.Skip(ehlo).ToList();
        var sink = ReplayHarness.RunSegments(late);
        var session = Assert.Single(sink.Sessions);
        Assert.True(session.MidStream);
        Assert.Equal("127.0.0.1:587", session.Server);
        var credential = Assert.Single(sink.Findings, f => f.Kind == "plaintext-credential");
        Assert.Equal(("smtp-auth-plain", "alice@example.test"), (credential.Variant, credential.Evidence["user"]));
        Assert.DoesNotContain(sink.Findings, f => f.Kind is "starttls-absent" or "starttls-stripped");
    }

    [Fact]
    public void PickedUpMidLineResyncsOnTheNextLine()
    {
        var segments = ReplayHarness.Segments(Path("imap-login-cleartext.pcap"));
        // Drop the handshake and cut the greeting segment in half: the parser must skip to the next line.
        var data = segments.Where(s => !s.Flags.HasFlag(TcpFlags.Syn)).ToList();
        int greeting = data.FindIndex(s => s.IsData);
        var half = data[greeting];
        data[greeting] = half with { Sequence = half.Sequence + 7, Payload = half.Payload[7..] };
        var sink = ReplayHarness.RunSegments(data);
        Assert.Equal(2, sink.Findings.Count(f => f.Kind == "plaintext-credential" && f.Variant == "imap-login"));
    }

    [Fact]
    public void TruncatedAnywhereNeverCrashesAndReportsTheCut()
    {
        var full = File.ReadAllBytes(Path("smtp-strip-removed.pcap"));
        var (baseline, _) = ReplayHarness.RunFiles(Path("smtp-strip-removed.pcap"));
        var credentials = baseline.Findings.Where(f => f.Kind == "plaintext-credential").Select(f => f.Client).ToHashSet();
        var dir = Directory.CreateTempSubdirectory("sensor-trunc").FullName;
        for (int cut = 30; cut < full.Length; cut += 97)
        {
            var file = System.IO.Path.Combine(dir, $"cut-{cut}.pcap");
            File.WriteAllBytes(file, full[..cut]);
            var (sink, read) = ReplayHarness.RunFiles(file);
            Assert.True(read.Truncations.Count <= 1);
            if (read.Truncations.Count == 1)
                Assert.True(read.Truncations[0].ByteOffset <= cut);
            Assert.All(sink.Findings.Where(f => f.Kind == "plaintext-credential"), f => Assert.Contains(f.Client, credentials));
        }
    }
}
