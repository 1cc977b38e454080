using System.Text;
using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Live;

/// <summary>The live engine's worker path with real frames: sharding, bounded queues, shared server knowledge, findings at the EHLO reply.</summary>
public class LiveEngineTests
{
    private static string Capture(string name) => Path.Combine(Manifest.CapturesDirectory, name);

    private static SegmentSpec Segment(Endpoint from, Endpoint to, string payload = "", TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh, long ticks = 1) =>
        new(ticks, from, to, 1000, 2000, flags, Encoding.ASCII.GetBytes(payload));

    private static string Text(SegmentSpec segment) => Encoding.ASCII.GetString(segment.Payload);

    [Fact]
    public void BothDirectionsOfEveryFlowGoToTheSameWorker_AndFlowsSpreadOverAllWorkers()
    {
        using var sensor = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 4 }).Sensor;
        var server = Endpoint.Parse("198.51.100.25:25");
        var used = new HashSet<int>();
        for (int port = 40000; port < 40200; port++)
        {
            var client = Endpoint.Parse($"192.0.2.{port % 250}:{port}");
            var toServer = Segment(client, server, "EHLO x\r\n").ToRawIpFrame();
            var toClient = Segment(server, client, "250 ok\r\n").ToRawIpFrame();
            int worker = sensor.WorkerFor(LinkType.Raw, 1, toServer);
            Assert.Equal(worker, sensor.WorkerFor(LinkType.Raw, 1, toClient));
            used.Add(worker);
        }
        Assert.Equal([0, 1, 2, 3], used.Order());
        Assert.Equal(0, sensor.WorkerFor(LinkType.Raw, 1, [0x45, 0, 0])); // not TCP: the first worker
    }

    [Fact]
    public void AFullQueueDropsAndCountsFrames_AndTheWorkerProcessesExactlyTheRest()
    {
        var options = new LiveSensorOptions { Workers = 1, QueueBlockBytes = 64 << 10, QueueBytesPerWorker = 128 << 10 };
        var (sensor, _) = LiveHarness.NewSensor(options);
        var client = Endpoint.Parse("192.0.2.1:40000");
        var server = Endpoint.Parse("198.51.100.25:8080");
        var frame = Segment(client, server, new string('x', 960)).ToRawIpFrame(); // 1000 bytes: 65 to a 64 KiB block

        int accepted = 0;
        for (int i = 0; i < 1000; i++) // the worker is not started: nothing drains the queue
            accepted += sensor.Offer(i, LinkType.Raw, frame, 0) ? 1 : 0;

        var stats = sensor.Snapshot();
        Assert.Equal(130, accepted);
        Assert.Equal(1000, stats.Packets);
        Assert.Equal(1000L * frame.Length, stats.Bytes);
        Assert.Equal(870, stats.SensorDropped);
        Assert.Equal([130], stats.QueueDepths);

        sensor.Start();
        sensor.Finish();
        Assert.Equal(130, sensor.Workers[0].Pipeline.DecodeStats.Tcp);
        Assert.Equal([0], sensor.Snapshot().QueueDepths);
        Assert.False(sensor.Offer(0, LinkType.Raw, frame, 0)); // finished: refused and counted
        Assert.Equal(871, sensor.Snapshot().SensorDropped);
        sensor.Dispose();
    }

    [Fact]
    public void ServerKnowledgeIsSharedAcrossWorkers_SoAStripOnAnotherWorkerIsRemovedNotAbsent()
    {
        var (sensor, sink) = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 2 });
        var segments = ReplayHarness.Segments(Capture("imap-strip-removed.pcap"));
        var offering = Endpoint.Parse("127.0.0.1:33566");  // the session that sees STARTTLS offered
        var stripped = Endpoint.Parse("127.0.0.1:33578");  // the later session through the stripping proxy
        var server = Endpoint.Parse("127.0.0.2:143");
        int offeringWorker = sensor.WorkerFor(LinkType.Raw, 0, Segment(offering, server).ToRawIpFrame());
        var moved = Enumerable.Range(3, 250).Select(host => Endpoint.Parse($"127.0.0.{host}:33578"))
            .First(c => sensor.WorkerFor(LinkType.Raw, 0, Segment(c, server).ToRawIpFrame()) != offeringWorker);
        segments = LiveHarness.Moved(segments, stripped, moved);
        sensor.Start();

        foreach (var segment in segments.Where(s => s.Source == offering || s.Destination == offering))
            LiveHarness.Offer(sensor, segment);
        Assert.True(sink.WaitFor(s => s.Sessions.Count == 1), "the offering session was not reported");
        foreach (var segment in segments.Where(s => s.Source == moved || s.Destination == moved))
            LiveHarness.Offer(sensor, segment);
        sensor.Finish();

        var strip = Assert.Single(sink.Inner.Findings, f => f.Kind is FindingKinds.StartTlsStripped or FindingKinds.StartTlsAbsent);
        Assert.Equal((FindingKinds.StartTlsStripped, StripVariants.Removed), (strip.Kind, strip.Variant));
        Assert.Equal(moved.ToString(), strip.Client);
        sensor.Dispose();
    }

    [Theory]
    [InlineData("smtp-strip-mangled.pcap", "EHLO", "250 ", FindingKinds.StartTlsStripped, StripVariants.Mangled)]
    [InlineData("pop3-stls-mangled.pcap", "CAPA", ".\r\n", FindingKinds.StartTlsStripped, StripVariants.Mangled)]
    public void StrippedStartTlsIsReportedAtTheCapabilityReply_BeforeTheSessionEnds_AndOnlyOnce(string file, string command, string replyEnd, string kind, string? variant)
    {
        var (sensor, sink) = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 2 });
        var segments = ReplayHarness.Segments(Capture(file));
        // The client's command (clients use the higher, ephemeral port here), then the end of the server's reply.
        var request = segments.FindIndex(s => s.IsData && s.Source.Port > s.Destination.Port && Text(s).Contains(command, StringComparison.OrdinalIgnoreCase));
        var client = segments[request].Source;
        var reply = segments.FindIndex(request + 1, s => s.IsData && s.Destination == client && Text(s).Contains(replyEnd, StringComparison.Ordinal));
        sensor.Start();

        foreach (var segment in segments.Take(reply + 1))
            LiveHarness.Offer(sensor, segment);
        Assert.True(sink.WaitFor(s => s.Findings.Any(f => f.Kind == kind)), $"no {kind} after the {command} reply");
        Thread.Sleep(300); // a push interval: a session record now would mean the finding waited for the end
        Assert.Equal(0, sink.Read(s => s.Sessions.Count(r => r.Client == client.ToString())));

        foreach (var segment in segments.Skip(reply + 1))
            LiveHarness.Offer(sensor, segment);
        sensor.Finish();
        var early = Assert.Single(sink.Inner.Findings, f => f.Kind is FindingKinds.StartTlsStripped or FindingKinds.StartTlsAbsent);
        Assert.Equal((kind, variant, client.ToString()), (early.Kind, early.Variant, early.Client));
        Assert.Contains(sink.Inner.Sessions, s => s.Client == client.ToString());
        sensor.Dispose();
    }
    [Fact]
    public void AbsentStartTlsWaitsForTheSessionsEnd_SoAServerSeenOfferingItMeanwhileMakesItRemoved()
    {
        // Both legs of a proxied session race on two workers; here, deterministically, the stripped leg's
        // capability list comes before the direct session that shows the server offering STARTTLS.
        var (sensor, sink) = LiveHarness.NewSensor(new LiveSensorOptions { Workers = 1 });
        var segments = ReplayHarness.Segments(Capture("imap-strip-removed.pcap"));
        var offering = Endpoint.Parse("127.0.0.1:33566");
        var stripped = Endpoint.Parse("127.0.0.1:33578");
        var strippedLeg = segments.Where(s => s.Source == stripped || s.Destination == stripped).ToList();
        var reply = strippedLeg.FindIndex(s => s.IsData && s.Destination == stripped && Text(s).Contains(" OK", StringComparison.Ordinal)
            && Text(s).Contains("CAPABILITY", StringComparison.OrdinalIgnoreCase));
        sensor.Start();

        foreach (var segment in strippedLeg.Take(reply + 1))
            LiveHarness.Offer(sensor, segment);
        Thread.Sleep(300); // a push interval: an early absent would be out by now
        Assert.Equal(0, sink.Read(s => s.Findings.Count(f => f.Kind is FindingKinds.StartTlsAbsent or FindingKinds.StartTlsStripped)));
        foreach (var segment in segments.Where(s => s.Source == offering || s.Destination == offering))
            LiveHarness.Offer(sensor, segment);
        Assert.True(sink.WaitFor(s => s.Sessions.Count == 1), "the offering session was not reported");
        foreach (var segment in strippedLeg.Skip(reply + 1))
            LiveHarness.Offer(sensor, segment);
        sensor.Finish();

        Assert.Equal([(FindingKinds.StartTlsStripped, StripVariants.Removed)],
            sink.Inner.Findings.Where(f => f.Client == stripped.ToString() && f.Kind is FindingKinds.StartTlsStripped or FindingKinds.StartTlsAbsent)
                .Select(f => (f.Kind, f.Variant)));
        sensor.Dispose();
    }
}
