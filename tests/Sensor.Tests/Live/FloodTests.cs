using System.Buffers.Binary;
using System.Diagnostics;
using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Core.Output;
using Sensor.Core.Sessions;
using Sensor.Tests.Replay;
using Xunit.Abstractions;

namespace Sensor.Tests.Live;

/// <summary>Measures the managed heap, so nothing else may run beside it.</summary>
[CollectionDefinition(nameof(FloodCollection), DisableParallelization = true)]
public sealed class FloodCollection;

/// <summary>
/// Whatever arrives, the live engine stays inside its memory budget and still reports: a million new
/// flows, endless lines, a huge DATA, then a real stripped session. Real frames through the real
/// workers; the figures go to the test output (dotnet test --logger "console;verbosity=detailed").
/// </summary>
[Collection(nameof(FloodCollection))]
public class FloodTests(ITestOutputHelper output)
{
    private const long Budget = 192L << 20;
    private static readonly Endpoint MailServer = Endpoint.Parse("198.51.100.25:25");

    [Fact]
    public void AMillionNewFlows_EndlessLines_AndAHugeData_StayUnderTheBudget_AndARealStripIsStillReported()
    {
        var (stats, sink) = RunFlood((sensor, start, peak) =>
        {
            peak.Sample(sensor);
            output.WriteLine($"engine built, nothing fed: {peak.Bytes >> 20} MiB");
            FloodOfSyns(sensor, 1_000_000, start, peak);
            output.WriteLine($"after the SYN flood: peak {peak.Bytes >> 20} MiB");
            EndlessLines(sensor, flows: 20_000, lineBytes: 8000, start + TimeSpan.FromSeconds(10).Ticks, peak);
            output.WriteLine($"after endless lines: peak {peak.Bytes >> 20} MiB");
            HugeData(sensor, 100 << 20, start + TimeSpan.FromSeconds(20).Ticks, peak);
            output.WriteLine($"after the huge DATA: peak {peak.Bytes >> 20} MiB");
        });
        Assert.True(stats.FlowsEvicted > 900_000, $"only {stats.FlowsEvicted} flows evicted: the flow cap did not hold");
        Assert.Contains(sink.Findings, f => f.Kind == FindingKinds.CleartextMail && f.Evidence["bytes"] is long and >= 100_000_000);
    }

    /// <summary>
    /// The parsers' own long buffers: IMAP sessions that each hold an endless 64 KiB server line and TLS
    /// handshakes cut mid-certificate, which unbounded would take over 300 MiB, share the plan's parser
    /// budget; what it refuses is a line-too-long or a handshake-too-large anomaly. Every reservation is given back.
    /// </summary>
    [Fact]
    public void EndlessImapServerLines_AndTlsHandshakesCutMidCertificate_StayUnderTheBudget_AndARealStripIsStillReported() =>
        RunFlood((sensor, start, peak) =>
        {
            EndlessImapServerLines(sensor, flows: 3_000, start, peak);
            output.WriteLine($"after endless IMAP server lines: peak {peak.Bytes >> 20} MiB, parser budget {sensor.ParserBuffers.ReservedBytes >> 20} of {sensor.ParserBuffers.LimitBytes >> 20} MiB reserved");
            HandshakesCutMidCertificate(sensor, flows: 3_000, start + TimeSpan.FromSeconds(10).Ticks, peak);
            output.WriteLine($"after TLS handshakes cut mid-certificate: peak {peak.Bytes >> 20} MiB, parser budget {sensor.ParserBuffers.ReservedBytes >> 20} MiB reserved");
        }, sensor => Assert.Equal(0, sensor.ParserBuffers.ReservedBytes)); // every flow ended and gave its buffers back

    /// <summary>
    /// One flood: two workers under <see cref="Budget"/>, with evidence rings. <paramref name="flood"/> feeds them
    /// (given the start time), then a real strip goes through and every flow ends: the peak heap must stay under
    /// the budget and the strip must still be reported; <paramref name="afterwards"/> checks the rest.
    /// </summary>
    private (LiveStats Stats, FindingsOnly Sink) RunFlood(Action<LiveSensor, long, PeakHeap> flood, Action<LiveSensor>? afterwards = null)
    {
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var evidence = Directory.CreateTempSubdirectory("sensor-flood-").FullName;
        var options = new LiveSensorOptions { Workers = 2, MemoryBudgetBytes = Budget, EvidenceDirectory = evidence, EvidenceBytesTotal = 16 << 20 };
        var sink = new FindingsOnly();
        var sensor = LiveHarness.NewSensor(options, sink);
        var real = ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "smtp-strip-mangled.pcap"));
        long start = real[0].Ticks - TimeSpan.FromSeconds(60).Ticks;
        var peak = new PeakHeap(baseline);
        var clock = Stopwatch.StartNew();
        sensor.Start();
        try
        {
            flood(sensor, start, peak);
            var stats = FeedTheRealStripAndFinish(sensor, real, peak);
            Report(sensor, stats, peak, clock.Elapsed);
            Assert.True(peak.Bytes <= Budget, $"peak heap {peak.Bytes >> 20} MiB over the {Budget >> 20} MiB budget");
            AssertTheRealStripIsReported(sink);
            afterwards?.Invoke(sensor);
            return (stats, sink);
        }
        finally
        {
            sensor.Dispose();
            Directory.Delete(evidence, recursive: true);
        }
    }

    /// <summary>IMAP sessions whose server sends a response line of 64000 bytes that never ends, all open at once.</summary>
    private static void EndlessImapServerLines(LiveSensor sensor, int flows, long start, PeakHeap peak)
    {
        var imap = Endpoint.Parse("198.51.100.143:143");
        var chunk = Enumerable.Repeat((byte)'x', 8000).ToArray();
        for (int i = 0; i < flows; i++)
        {
            var client = new Endpoint(new NetAddress(0x0C000000u + (uint)i, false), 40000);
            var talk = new TcpTalk(client, imap, (t, f) => OfferWaiting(sensor, t, f), start + i * 1000L).Handshake()
                .Server("* OK IMAP4rev1 ready\r\n").Client("a1 FETCH 1 BODY\r\n").Server("* 1 FETCH (BODY ");
            for (int sent = 0; sent < 64000; sent += chunk.Length)
                talk.Server(chunk);
            if (i % 500 == 0)
                peak.Sample(sensor);
        }
    }

    /// <summary>IMAPS sessions whose server's Certificate message stops after two full 16 KiB records of its 60000 bytes.</summary>
    private static void HandshakesCutMidCertificate(LiveSensor sensor, int flows, long start, PeakHeap peak)
    {
        var imaps = Endpoint.Parse("198.51.100.143:993");
        var first = new byte[5 + 16384];
        first[0] = 0x16;
        (first[1], first[2], first[3], first[4]) = (0x03, 0x03, 0x40, 0x00);
        (first[5], first[6], first[7], first[8]) = (0x0b, 0x00, 0xea, 0x60);
        var second = first.ToArray();
        second.AsSpan(5, 4).Clear();
        for (int i = 0; i < flows; i++)
        {
            var client = new Endpoint(new NetAddress(0x0D000000u + (uint)i, false), 40000);
            new TcpTalk(client, imaps, (t, f) => OfferWaiting(sensor, t, f), start + i * 1000L).Handshake().Server(first).Server(second);
            if (i % 500 == 0)
                peak.Sample(sensor);
        }
    }

    private static LiveStats FeedTheRealStripAndFinish(LiveSensor sensor, List<SegmentSpec> real, PeakHeap peak)
    {
        foreach (var segment in real)
            OfferWaiting(sensor, segment.Ticks, segment.ToRawIpFrame());
        peak.Sample(sensor);
        sensor.Finish();
        peak.Sample(sensor);
        return sensor.Snapshot();
    }

    private static void AssertTheRealStripIsReported(FindingsOnly sink)
    {
        var strip = Assert.Single(sink.Findings, f => f.Kind == FindingKinds.StartTlsStripped);
        // A mangled capability is a strip whatever the workers know; "removed" across workers is LiveEngineTests' subject.
        Assert.Equal((StripVariants.Mangled, "127.0.0.1:48850"), (strip.Variant, strip.Client));
        Assert.True(File.Exists((string?)strip.Evidence["pcap"]), "the strip's evidence pcap was not written");
    }

    /// <summary>SYNs from a million distinct clients to a mail port: each one a new flow and a new session.</summary>
    private static void FloodOfSyns(LiveSensor sensor, int flows, long start, PeakHeap peak)
    {
        var frame = new SegmentSpec(start, Endpoint.Parse("10.0.0.0:1024"), MailServer, 1, 0, TcpFlags.Syn, []).ToRawIpFrame();
        for (int i = 0; i < flows; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), 0x0A000000u + (uint)(i >> 6));
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), (ushort)(1024 + (i & 63)));
            OfferWaiting(sensor, start + i * 10L, frame);
            if (i % 100_000 == 0)
                peak.Sample(sensor);
        }
    }

    /// <summary>Mail sessions whose client sends a long line that never ends, all open at once.</summary>
    private static void EndlessLines(LiveSensor sensor, int flows, int lineBytes, long start, PeakHeap peak)
    {
        var chunk = Enumerable.Repeat((byte)'A', 1000).ToArray();
        for (int i = 0; i < flows; i++)
        {
            var client = new Endpoint(new NetAddress(0x0B000000u + (uint)i, false), 40000);
            var talk = new TcpTalk(client, MailServer, (t, f) => OfferWaiting(sensor, t, f), start + i * 1000L).Handshake().Server("220 mx ESMTP\r\n");
            for (int sent = 0; sent < lineBytes; sent += chunk.Length)
                talk.Client(chunk);
            if (i % 5_000 == 0)
                peak.Sample(sensor);
        }
    }

    /// <summary>One message of <paramref name="bytes"/> in the clear, streamed through DATA.</summary>
    private static void HugeData(LiveSensor sensor, int bytes, long start, PeakHeap peak)
    {
        var client = Endpoint.Parse("192.0.2.77:50000");
        var talk = new TcpTalk(client, MailServer, (t, f) => OfferWaiting(sensor, t, f), start).Handshake()
            .Server("220 mx ESMTP\r\n").Client("EHLO c\r\n").Server("250-mx\r\n250 STARTTLS\r\n")
            .Client("MAIL FROM:<a@example.org>\r\n").Server("250 ok\r\n").Client("RCPT TO:<b@example.org>\r\n").Server("250 ok\r\n")
            .Client("DATA\r\n").Server("354 go\r\n");
        var lines = string.Concat(Enumerable.Repeat(new string('m', 98) + "\r\n", 14));
        for (int sent = 0; sent < bytes; sent += lines.Length)
        {
            talk.Client(lines);
            if (sent % (16 << 20) < lines.Length)
                peak.Sample(sensor);
        }
        talk.Client(".\r\n").Server("250 queued\r\n").Client("QUIT\r\n").Server("221 bye\r\n").Close();
    }

    /// <summary>Offers until the frame is taken: the test wants every frame processed, as a capture below line rate would.</summary>
    private static void OfferWaiting(LiveSensor sensor, long ticks, byte[] frame)
    {
        while (!sensor.Offer(ticks, LinkType.Raw, frame, 0))
            Thread.Sleep(1);
    }

    private void Report(LiveSensor sensor, LiveStats stats, PeakHeap peak, TimeSpan elapsed)
    {
        var plan = sensor.Plan;
        output.WriteLine($"budget {Budget >> 20} MiB: queues {plan.QueueBytes >> 20} MiB, batches {plan.BatchBytes >> 20} MiB, evidence {plan.EvidenceBytes >> 20} MiB, " +
                         $"buffers {plan.BufferedBytesPerWorker >> 20} MiB x {sensor.Options.Workers}, parser buffers {plan.ParserBufferBytes >> 20} MiB, flows {plan.FlowsPerWorker} x {sensor.Options.Workers}");
        output.WriteLine($"peak managed heap after full GC: {peak.Bytes >> 20} MiB ({peak.Bytes * 100 / Budget}% of budget), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB (whole test process)");
        output.WriteLine($"packets {stats.Packets}, bytes {stats.Bytes}, flows created {stats.FlowsCreated}, evicted {stats.FlowsEvicted}, buffer cap hits {stats.BufferCapHits}, " +
                         $"sessions {stats.Sessions}, findings {stats.Findings}, retried offers (queue full) {stats.SensorDropped}, evidence files {stats.EvidenceFiles}, in {elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Keeps findings and counts sessions: a sink that kept every session would measure the test, not the engine.</summary>
    private sealed class FindingsOnly : IRecordSink
    {
        public List<FindingRecord> Findings { get; } = [];
        public long Sessions { get; private set; }

        public void OnSession(MailSession session, SessionRecordOnDemand record) => Sessions++;
        public void OnFinding(Finding finding, FindingRecord record) => Findings.Add(record);
    }

    /// <summary>The managed heap after a full collection, over the baseline, at its highest sample.</summary>
    private sealed class PeakHeap(long baseline)
    {
        public long Bytes { get; private set; }

        public void Sample(LiveSensor sensor)
        {
            _ = sensor.Snapshot();
            Bytes = Math.Max(Bytes, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }
    }
}
