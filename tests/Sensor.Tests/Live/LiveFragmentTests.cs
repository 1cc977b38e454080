using System.Buffers.Binary;
using System.Text;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Live;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Live;

/// <summary>IP fragments in the live engine: every fragment reaches the worker that owns its connection, which reassembles it.</summary>
public class LiveFragmentTests
{
    [Fact]
    public void EveryFragmentOfASegment_GoesToTheWorkerOfItsFlow_InBothDirections()
    {
        using var sensor = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 4 }).Sensor;
        var server = Endpoint.Parse("198.51.100.25:25");
        var used = new HashSet<int>();
        for (int host = 1; host < 200; host++)
        {
            var client = Endpoint.Parse($"192.0.2.{host}:40000");
            var segment = new SegmentSpec(1, client, server, 1000, 2000, TcpFlags.Ack | TcpFlags.Psh, Encoding.ASCII.GetBytes("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"));
            var whole = segment.ToRawIpFrame();
            int worker = sensor.WorkerFor(LinkType.Raw, 1, whole);
            Assert.Equal(worker, sensor.WorkerFor(LinkType.Raw, 1, LaterFragment(whole)));
            Assert.Equal(worker, sensor.WorkerFor(LinkType.Raw, 1, (segment with { Source = server, Destination = client }).ToRawIpFrame()));
            used.Add(worker);
        }
        Assert.Equal([0, 1, 2, 3], used.Order());
    }

    /// <summary>The bytes from offset 16 of an IPv4 packet as its last fragment: no TCP header, no ports.</summary>
    private static byte[] LaterFragment(byte[] ipv4)
    {
        byte[] fragment = [.. ipv4[..20], .. ipv4[36..]];
        BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(2), (ushort)fragment.Length);
        BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(6), 16 / 8);
        return fragment;
    }

    [Fact]
    public void AFragmentedCapture_OfferedToFourWorkers_GivesTheCredential_AndCountsTheFragments()
    {
        var (sensor, sink) = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 4 });
        sensor.Start();
        new CaptureReader([Path.Combine(Manifest.CapturesDirectory, "smtp-frag-reversed.pcap")]).Read(new Offering(sensor));
        sensor.Finish();

        var session = Assert.Single(sink.Inner.Sessions);
        Assert.Equal("alice@example.test", Assert.Single(session.Auth).User);
        Assert.Equal((30L, 0L), (sensor.Snapshot().IpFragments, sensor.Snapshot().IpDatagramsGivenUp));
        sensor.Dispose();
    }

    private sealed class Offering(LiveSensor sensor) : IPacketHandler
    {
        public void OnPacket(in RawPacket packet) =>
            Assert.True(sensor.Offer(packet.TimestampTicks, packet.LinkType, packet.Data, packet.OriginalLength));
    }
}
