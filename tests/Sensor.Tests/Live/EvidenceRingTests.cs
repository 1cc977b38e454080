using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Live;

/// <summary>Each flow's ring of recent packets, and the evidence pcap a live finding writes from it.</summary>
public class EvidenceRingTests
{
    private static byte[] Packet(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public void RingKeepsTheNewestPacketsWithinItsPacketCap_OldestFirst()
    {
        var ring = new PacketRing(maxBytes: 64 << 10, maxPackets: 4);
        for (int i = 0; i < 10; i++)
            ring.Add(i, LinkType.Raw, Packet(100 + i, (byte)i), 100 + i);

        var kept = ring.Copy(fromTicks: 0);
        Assert.Equal([6, 7, 8, 9], kept.Select(p => p.Ticks));
        Assert.Equal([106, 107, 108, 109], kept.Select(p => p.Data.Length));
        Assert.All(kept, p => Assert.All(p.Data, b => Assert.Equal((byte)p.Ticks, b)));
        Assert.Equal([8, 9], ring.Copy(fromTicks: 8).Select(p => p.Ticks));
    }

    [Fact]
    public void RingWrapsWithinItsByteCap_WithoutMixingPackets()
    {
        var ring = new PacketRing(maxBytes: 4096, maxPackets: 1000);
        int[] sizes = [1500, 900, 1500, 60, 1400, 700, 1500, 1500, 40, 2000, 3000, 5000];
        for (int i = 0; i < sizes.Length; i++)
        {
            ring.Add(i, LinkType.Ethernet, Packet(sizes[i], (byte)(i + 1)), sizes[i]);
            var kept = ring.Copy(0);
            Assert.Equal(i, kept[^1].Ticks); // the newest is always kept
            Assert.True(kept.Sum(p => p.Data.Length) <= 4096);
            Assert.Equal(kept.Select(p => p.Ticks).Order(), kept.Select(p => p.Ticks));
            foreach (var p in kept)
                Assert.All(p.Data, b => Assert.Equal((byte)(p.Ticks + 1), b));
        }
        var last = Assert.Single(ring.Copy(0)); // 5000 bytes, cut to the 4096 cap
        Assert.Equal((11L, 4096, 5000), (last.Ticks, last.Data.Length, last.OriginalLength));
        Assert.True(ring.FootprintBytes >= 4096);
        ring.Release();
        Assert.Equal(0, ring.FootprintBytes);
    }

    [Fact]
    public void FlowRingsReleaseTheLeastRecentFlowPastTheirTotal()
    {
        var rings = new FlowRings(maxBytesPerFlow: 8192, maxPacketsPerFlow: 16, maxTotalBytes: 64 << 10);
        var server = Endpoint.Parse("198.51.100.25:25");
        for (int port = 1; port <= 200; port++)
        {
            var spec = new SegmentSpec(port, Endpoint.Parse($"192.0.2.1:{port}"), server, 1, 1, TcpFlags.Ack, Packet(1400, 1));
            var frame = spec.ToRawIpFrame();
            PacketDecoder.DecodeFrame(LinkType.Raw, port, frame, out var segment);
            rings.Add(segment, port, LinkType.Raw, frame, frame.Length);
            Assert.True(rings.FootprintBytes <= 64 << 10, $"{rings.FootprintBytes} bytes after {port} flows");
        }
        Assert.Single(rings.Copy(Endpoint.Parse("192.0.2.1:200"), server, 0));
        Assert.Empty(rings.Copy(Endpoint.Parse("192.0.2.1:1"), server, 0)); // released for newer flows
        Assert.True(rings.RingsReleased > 150);
    }

    [Fact]
    public void LiveFindingWritesItsFlowsPacketsToAnOwnerOnlyPcap_AndTheRecordPointsAtIt()
    {
        var directory = Directory.CreateTempSubdirectory("sensor-evidence-").FullName;
        try
        {
            var (sensor, sink) = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 2, EvidenceDirectory = directory });
            var segments = ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "smtp-auth-plain-cleartext.pcap"));
            sensor.Start();
            foreach (var segment in segments)
                LiveHarness.Offer(sensor, segment);
            sensor.Finish();

            var credential = Assert.Single(sink.Inner.Findings, f => f.Kind == FindingKinds.PlaintextCredential);
            var path = (string)credential.Evidence["pcap"]!;
            Assert.Equal(Path.Combine(directory, $"{credential.Id}-plaintext-credential-smtp-auth-plain.pcap"), path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var written = ReplayHarness.Segments(path);
            // Every packet of the session, in order, byte for byte (64 packets fit the default ring).
            Assert.True(written.Count >= segments.Count - 1, $"{written.Count} of {segments.Count} packets");
            Assert.Equal(segments.Take(written.Count).Select(s => Convert.ToHexString(s.ToRawIpFrame())),
                written.Select(s => Convert.ToHexString(s.ToRawIpFrame())));
            Assert.Equal((2, 0), (sensor.Snapshot().EvidenceFiles, sensor.Snapshot().EvidenceMissing)); // the credential and the cleartext mail
            sensor.Dispose();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void WithoutAnEvidenceDirectory_NoRingsAreKeptAndRecordsHaveNoPath()
    {
        var (sensor, sink) = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 1 });
        sensor.Start();
        foreach (var segment in ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "smtp-auth-plain-cleartext.pcap")))
            LiveHarness.Offer(sensor, segment);
        sensor.Finish();
        Assert.NotEmpty(sink.Inner.Findings);
        Assert.All(sink.Inner.Findings, f => Assert.False(f.Evidence.ContainsKey("pcap")));
        Assert.Equal(0, sensor.Snapshot().EvidenceRingBytes);
        sensor.Dispose();
    }
}
