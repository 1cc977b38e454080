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
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var evidence = Directory.CreateTempSubdirectory("sensor-flood-").FullName;
        var options = new LiveSensorOptions { Workers = 2, MemoryBudgetBytes = Budget, EvidenceDirectory = evidence, EvidenceBytesTotal = 16 << 20 };
        var sink = new FindingsOnly();
        var sensor = LiveHarness.NewSensor(options, sink);
        var real = ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "imap-strip-removed.pcap"));
        long start = real[0].Ticks - TimeSpan.FromSeconds(60).Ticks;
        var peak = new PeakHeap(baseline);
        var clock = Stopwatch.StartNew();
        sensor.Start();
        peak.Sample(sensor);
        output.WriteLine($"engine built, nothing fed: {peak.Bytes >> 20} MiB");
        try
        {
            FloodOfSyns(sensor, 1_000_000, start, peak);
            output.WriteLine($"after the SYN flood: peak {peak.Bytes >> 20} MiB");
            EndlessLines(sensor, flows: 20_000, lineBytes: 8000, start + TimeSpan.FromSeconds(10).Ticks, peak);
            output.WriteLine($"after endless lines: peak {peak.Bytes >> 20} MiB");
            HugeData(sensor, 100 << 20, start + TimeSpan.FromSeconds(20).Ticks, peak);
            output.WriteLine($"after the huge DATA: peak {peak.Bytes >> 20} MiB");
            foreach (var segment in real)
                OfferWaiting(sensor, segment.Ticks, segment.ToRawIpFrame());
            peak.Sample(sensor);
            sensor.Finish();
            peak.Sample(sensor);

            var stats = sensor.Snapshot();
            Report(sensor, stats, peak, clock.Elapsed);
            Assert.True(peak.Bytes <= Budget, $"peak heap {peak.Bytes >> 20} MiB over the {Budget >> 20} MiB budget");
            Assert.True(stats.FlowsEvicted > 900_000, $"only {stats.FlowsEvicted} flows evicted: the flow cap did not hold");
            var strip = Assert.Single(sink.Findings, f => f.Kind == FindingKinds.StartTlsStripped);
            Assert.Equal((StripVariants.Removed, "127.0.0.1:33578"), (strip.Variant, strip.Client));
            Assert.Contains(sink.Findings, f => f.Kind == FindingKinds.CleartextMail && f.Evidence["bytes"] is { Length: >= 9 });
            Assert.True(File.Exists(strip.Evidence["pcap"]), "the strip's evidence pcap was not written");
        }
        finally
        {
            sensor.Dispose();
            Directory.Delete(evidence, recursive: true);
        }
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
                         $"buffers {plan.BufferedBytesPerWorker >> 20} MiB x {sensor.Options.Workers}, flows {plan.FlowsPerWorker} x {sensor.Options.Workers}");
        output.WriteLine($"peak managed heap after full GC: {peak.Bytes >> 20} MiB ({peak.Bytes * 100 / Budget}% of budget), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB (whole test process)");
        output.WriteLine($"packets {stats.Packets}, bytes {stats.Bytes}, flows created {stats.FlowsCreated}, evicted {stats.FlowsEvicted}, buffer cap hits {stats.BufferCapHits}, " +
                         $"sessions {stats.Sessions}, findings {stats.Findings}, retried offers (queue full) {stats.SensorDropped}, evidence files {stats.EvidenceFiles}, in {elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Keeps findings and counts sessions: a sink that kept every session would measure the test, not the engine.</summary>
    private sealed class FindingsOnly : IRecordSink
    {
        public List<FindingRecord> Findings { get; } = [];
        public long Sessions { get; private set; }

        public void OnSession(MailSession session, SessionRecord record) => Sessions++;
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
