using System.Buffers.Binary;
using System.Diagnostics;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Benchmarks;

/// <summary>
/// Splits a whole run's time by stage: each mode adds one stage to the previous one, over the same
/// file, each in this process after a warm-up of the file's pages. The difference between two
/// consecutive modes is what that stage costs.
/// </summary>
public static class StageSplit
{
    public static readonly string[] Modes = ["managed-read", "read", "decode", "reassemble-noop", "track", "pipeline", "pipeline-json"];

    public static int Run(string[] args)
    {
        if (args.Length == 1 && args[0] == "first-use")
            return FirstUse();
        if (args.Length == 0)
        {
            Console.Error.WriteLine($"usage: stages FILE [MODE...]; modes: {string.Join(' ', Modes)}");
            return 2;
        }
        string file = args[0];
        var modes = args.Length > 1 ? args[1..] : Modes;
        long size = new FileInfo(file).Length;
        Console.WriteLine($"{"mode",-18} {"packets",12} {"wall s",8} {"MB/s",8} {"alloc MB",10} {"gen0",6} {"gen2",5}  what it adds");
        foreach (var mode in modes)
        {
            GC.Collect();
            long alloc0 = GC.GetTotalAllocatedBytes(true);
            int g0 = GC.CollectionCount(0), g2 = GC.CollectionCount(2);
            var sw = Stopwatch.StartNew();
            long packets = RunMode(mode, file);
            sw.Stop();
            double s = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"{mode,-18} {packets,12:N0} {s,8:F2} {size / s / 1e6,8:F0} {(GC.GetTotalAllocatedBytes(true) - alloc0) / 1e6,10:F0} {GC.CollectionCount(0) - g0,6} {GC.CollectionCount(2) - g2,5}  {Describe(mode)}");
        }
        Console.WriteLine($"peak working set of this process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        return 0;
    }

    /// <summary>One-time costs a short run pays: the first use of each heavy dependency, timed in a fresh process.</summary>
    private static int FirstUse()
    {
        var sw = Stopwatch.StartNew();
        var rules = DefaultRules.Rules;
        Console.WriteLine($"DefaultRules.Rules (YAML rules, regexes built): {sw.Elapsed.TotalMilliseconds:F0} ms");
        sw.Restart();
        rules.FindMangled(["STARTTLS", "8BITMIME", "XXXXXXXA"]);
        Console.WriteLine($"first RuleSet.FindMangled (regex interpreter first run): {sw.Elapsed.TotalMilliseconds:F0} ms");
        sw.Restart();
        rules.FindMangled(["STARTTLS", "8BITMIME", "XXXXXXXA"]);
        Console.WriteLine($"second RuleSet.FindMangled: {sw.Elapsed.TotalMilliseconds * 1000:F0} us");
        sw.Restart();
        using (var w = new JsonLinesWriter(Stream.Null))
            w.Write(new SessionRecord());
        Console.WriteLine($"first JsonLinesWriter.Write(SessionRecord) (reflection metadata): {sw.Elapsed.TotalMilliseconds:F0} ms");
        sw.Restart();
        using (var w = new JsonLinesWriter(Stream.Null))
            w.Write(new SessionRecord());
        Console.WriteLine($"second JsonLinesWriter.Write(SessionRecord): {sw.Elapsed.TotalMilliseconds * 1000:F0} us");
        sw.Restart();
        System.Security.Cryptography.HMACSHA256.HashData(new byte[32], new byte[8]);
        Console.WriteLine($"first HMACSHA256 (OpenSSL load): {sw.Elapsed.TotalMilliseconds:F0} ms");
        return 0;
    }

    private static string Describe(string mode) => mode switch
    {
        "managed-read" => "classic pcap records parsed from a FileStream by hand (no libpcap): a floor for a managed reader",
        "read" => "CaptureReader (SharpPcap/libpcap) with a handler that only touches the frame",
        "decode" => "+ PacketDecoder.Decode",
        "reassemble-noop" => "+ FlowTable.Process with an observer that does nothing (every flow tracked)",
        "track" => "+ SessionTracker (protocol detection, parsers, session building), sessions dropped",
        "pipeline" => "+ detection (MailPipeline, no sinks)",
        "pipeline-json" => "+ JSON Lines to Stream.Null (what `sensor replay --json --no-db` does, without the console)",
        _ => "?",
    };

    private static long RunMode(string mode, string file)
    {
        switch (mode)
        {
            case "managed-read":
                return ManagedRead(file);
            case "read":
                return Read(file, new Touch());
            case "decode":
                return Read(file, new DecodeOnly());
            case "reassemble-noop":
            {
                var h = new Reassemble(new FlowTable(new NoOpObserver()));
                long n = Read(file, h);
                h.Table.Flush();
                return n;
            }
            case "track":
            {
                var h = new Reassemble(new FlowTable(new SessionTracker(new DropSessions())));
                long n = Read(file, h);
                h.Table.Flush();
                return n;
            }
            case "pipeline":
            case "pipeline-json":
            {
                var sinks = new List<IRecordSink>();
                JsonLinesWriter? json = mode == "pipeline-json" ? new JsonLinesWriter(Stream.Null) : null;
                using var jsonSink = json is null ? null : new QueuedJsonLinesSink(json); // as `sensor replay --json` writes
                if (jsonSink is not null) sinks.Add(jsonSink);
                var mapper = new RecordMapper(new SecretRedactor(false, new byte[32]));
                var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, null, mapper, sinks);
                var result = PipelinePacketHandler.Run(new CaptureReader([file]), pipeline);
                jsonSink?.Complete();
                json?.Dispose();
                Console.WriteLine($"   ({mode}: {pipeline.Sessions:N0} sessions, {pipeline.Findings:N0} findings)");
                return result.Packets;
            }
            default:
                throw new ArgumentException($"unknown mode {mode}");
        }
    }

    private static long Read(string file, IPacketHandler handler) => new CaptureReader([file]).Read(handler).Packets;

    private static long ManagedRead(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[4 << 20];
        int filled = stream.ReadAtLeast(buffer, 24, false), at = 24;
        long packets = 0, sum = 0;
        var decoder = new PacketDecoder();
        while (true)
        {
            if (filled - at < 16 || filled - at < 16 + BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at + 8)))
            {
                Buffer.BlockCopy(buffer, at, buffer, 0, filled - at);
                filled -= at; at = 0;
                int read = stream.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, false);
                if (read == 0) break;
                filled += read;
                continue;
            }
            int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at + 8));
            sum += buffer[at + 16 + length / 2];
            at += 16 + length;
            packets++;
        }
        return packets + (sum & 0);
    }

    private sealed class Touch : IPacketHandler
    {
        public long Sum;
        public void OnPacket(in RawPacket packet) => Sum += packet.Data.Length + packet.TimestampTicks;
    }

    private sealed class DecodeOnly : IPacketHandler
    {
        private readonly PacketDecoder _decoder = new();
        public long Payload;
        public void OnPacket(in RawPacket packet)
        {
            if (_decoder.Decode(packet.LinkType, packet.TimestampTicks, packet.Data, out var s) == DecodeResult.Tcp)
                Payload += s.Payload.Length;
        }
    }

    private sealed class Reassemble(FlowTable table) : IPacketHandler
    {
        private readonly PacketDecoder _decoder = new();
        public FlowTable Table => table;
        public void OnPacket(in RawPacket packet)
        {
            if (_decoder.Decode(packet.LinkType, packet.TimestampTicks, packet.Data, out var s) == DecodeResult.Tcp)
                table.Process(s);
            else
                table.AdvanceTime(packet.TimestampTicks);
        }
    }

    private sealed class NoOpObserver : IFlowObserver
    {
        public void OnFlowStart(TcpFlow flow) { }
        public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data) { }
        public void OnGap(TcpFlow flow, Direction direction, long missingBytes) { }
        public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) { }
        public void OnFlowEnd(TcpFlow flow, FlowEndReason reason) { }
    }

    private sealed class DropSessions : ISessionConsumer
    {
        public long Count;
        public void OnSessionEnd(MailSession session) => Count++;
    }
}
