using System.Text.Json;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Benchmarks;

/// <summary>One direction's chunk of a session, as reassembly handed it over.</summary>
public sealed record Chunk(Direction Direction, byte[] Data);

/// <summary>One real session: its protocol and its reassembled bytes in the order they came.</summary>
public sealed record Transcript(string File, MailProtocol Protocol, bool ImplicitTls, List<Chunk> Chunks)
{
    public long Bytes => Chunks.Sum(c => (long)c.Data.Length);
}

/// <summary>
/// Real sessions taken from captures/: each file is read with the sensor's CaptureReader, decoded
/// with PacketDecoder and reassembled with FlowTable, and each flow's in-order bytes are kept. The
/// protocol of a flow comes from captures/manifest.json (so nonstandard ports are included).
/// </summary>
public static class Transcripts
{
    private static readonly Lazy<List<Transcript>> All = new(Load);

    public static IReadOnlyList<Transcript> Everything => All.Value;

    /// <summary>"smtp", "imap", "pop3" (every real session of that protocol) or a capture file name.</summary>
    public static List<Transcript> Set(string name) => name switch
    {
        "smtp-pipelining" => All.Value.Where(t => t.File == "smtp-pipelining-large.pcap").ToList(),
        "smtp" or "imap" or "pop3" => All.Value.Where(t => t.Protocol.ToWire() == name).ToList(),
        _ => All.Value.Where(t => t.File == name).ToList(),
    };

    public static long BytesOf(string name) => Set(name).Sum(t => t.Bytes);

    public static string CapturesDirectory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "captures", "manifest.json")))
                    return Path.Combine(dir.FullName, "captures");
        throw new DirectoryNotFoundException("captures/manifest.json not found above " + AppContext.BaseDirectory);
    }

    private static List<Transcript> Load()
    {
        string dir = CapturesDirectory();
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        var result = new List<Transcript>();
        foreach (var entry in manifest.RootElement.GetProperty("captures").EnumerateArray())
        {
            string file = entry.GetProperty("file").GetString()!;
            if (entry.GetProperty("truncated").GetBoolean())
                continue;
            var protocols = new Dictionary<string, MailProtocol>();
            foreach (var s in entry.GetProperty("sessions").EnumerateArray())
            {
                var p = s.GetProperty("protocol").GetString() switch { "smtp" => MailProtocol.Smtp, "imap" => MailProtocol.Imap, _ => MailProtocol.Pop3 };
                protocols[s.GetProperty("client").GetString() + ">" + s.GetProperty("server").GetString()] = p;
            }
            if (protocols.Count == 0)
                continue;
            var recorder = new Recorder();
            var table = new FlowTable(recorder);
            var decoder = new PacketDecoder();
            new CaptureReader([Path.Combine(dir, file)]).Read(new FrameHandler(decoder, table));
            table.Flush();
            foreach (var (flow, chunks) in recorder.Flows)
            {
                if (!protocols.TryGetValue(flow.Client + ">" + flow.Server, out var protocol))
                    continue;
                MailProtocolDetector.ByPort(flow.Server.Port, out bool implicitTls);
                result.Add(new Transcript(file, protocol, implicitTls, chunks));
            }
        }
        return result;
    }

    private sealed class FrameHandler(PacketDecoder decoder, FlowTable table) : IPacketHandler
    {
        public void OnPacket(in RawPacket packet)
        {
            if (decoder.Decode(packet.LinkType, packet.TimestampTicks, packet.Data, out var segment) == DecodeResult.Tcp)
                table.Process(segment);
        }
    }

    private sealed class Recorder : IFlowObserver
    {
        public List<(TcpFlow Flow, List<Chunk> Chunks)> Flows { get; } = new();
        public void OnFlowStart(TcpFlow flow) { flow.Attachment = new List<Chunk>(); Flows.Add((flow, (List<Chunk>)flow.Attachment)); }
        public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data) => ((List<Chunk>)flow.Attachment!).Add(new Chunk(direction, data.ToArray()));
        public void OnGap(TcpFlow flow, Direction direction, long missingBytes) { }
        public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) { }
        public void OnFlowEnd(TcpFlow flow, FlowEndReason reason) { }
    }
}

/// <summary>Counts events; keeps nothing.</summary>
public sealed class CountingSink : IMailEventSink
{
    public long Events;
    public void Emit(MailEvent mailEvent) => Events++;
}
