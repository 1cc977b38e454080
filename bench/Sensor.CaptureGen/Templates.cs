using System.Text.Json;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;

namespace Sensor.CaptureGen;

/// <summary>One TCP segment of a template, with its flow's roles resolved and its payload copied.</summary>
internal sealed record TemplateSegment(
    long OffsetMicros,      // from the start of the template file, after stretching (see TemplateFile.Load)
    int Flow,               // index into TemplateFile.Flows
    bool FromClient,
    uint Sequence,
    uint Acknowledgment,
    TcpFlags Flags,
    byte[] Payload);

internal sealed record TemplateFlow(Endpoint Client, Endpoint Server, int ServerAddressIndex);

/// <summary>
/// A real capture from captures/ taken apart into its TCP segments. Replayed as a unit (all its
/// sessions, in their order) so that templates whose findings depend on what an earlier session of
/// the same server showed (a server seen offering STARTTLS, then stripped) keep that order.
/// </summary>
internal sealed class TemplateFile
{
    public required string Name { get; init; }
    public required List<TemplateFlow> Flows { get; init; }
    public required List<TemplateSegment> Segments { get; init; }
    /// <summary>Mail sessions this capture holds, by protocol, from captures/manifest.json.</summary>
    public required Dictionary<string, int> SessionsByProtocol { get; init; }
    /// <summary>Findings the manifest expects from one replay, "kind/variant" -> count.</summary>
    public required Dictionary<string, int> Findings { get; init; }
    public int Sessions => SessionsByProtocol.Values.Sum();
    public long DurationMicros => Segments.Count == 0 ? 0 : Segments[^1].OffsetMicros;

    /// <summary>Bytes one replay writes: pcap record header + Ethernet + IPv4 + TCP + payload, per frame.</summary>
    public long FrameBytes { get; private set; }
    public int Frames { get; private set; }

    /// <summary>
    /// Reads a capture with the sensor's own reader and decoder. Times are stretched so consecutive
    /// frames are at least <paramref name="minGapMicros"/> apart (loopback captures are microseconds
    /// apart end to end; real sessions cross a network) and at most <paramref name="maxGapMicros"/>.
    /// </summary>
    public static TemplateFile? Load(string path, JsonElement? manifestEntry, long minGapMicros, long maxGapMicros, int maxSegmentPayload)
    {
        var collector = new Collector();
        new CaptureReader([path]).Read(collector);
        if (collector.Raw.Count == 0)
            return null;

        // Resolve each flow's client: the sender of a bare SYN, else the side with the higher port.
        var flows = new List<TemplateFlow>();
        var flowIndex = new Dictionary<(Endpoint, Endpoint), int>();
        var serverAddresses = new List<NetAddress>();
        foreach (var r in collector.Raw)
        {
            var key = Canonical(r.Source, r.Destination);
            if (flowIndex.ContainsKey(key))
                continue;
            var synSender = collector.Raw.FirstOrDefault(x => Canonical(x.Source, x.Destination) == key
                && (x.Flags & TcpFlags.Syn) != 0 && (x.Flags & TcpFlags.Ack) == 0);
            Endpoint client, server;
            if (synSender is not null) { client = synSender.Source; server = synSender.Destination; }
            else if (r.Source.Port > r.Destination.Port) { client = r.Source; server = r.Destination; }
            else { client = r.Destination; server = r.Source; }
            int sa = serverAddresses.IndexOf(server.Address);
            if (sa < 0) { serverAddresses.Add(server.Address); sa = serverAddresses.Count - 1; }
            flowIndex[key] = flows.Count;
            flows.Add(new TemplateFlow(client, server, sa));
        }

        var segments = new List<TemplateSegment>();
        long previousOriginal = collector.Raw[0].Micros, offset = 0;
        foreach (var r in collector.Raw)
        {
            long gap = r.Micros - previousOriginal;
            previousOriginal = r.Micros;
            if (segments.Count > 0)
                offset += Math.Clamp(gap, minGapMicros, maxGapMicros);
            int flow = flowIndex[Canonical(r.Source, r.Destination)];
            bool fromClient = r.Source == flows[flow].Client;
            // Loopback captures carry up to 64 KiB per segment; on Ethernet that is 1448-byte segments.
            if (r.Payload.Length <= maxSegmentPayload)
            {
                segments.Add(new TemplateSegment(offset, flow, fromClient, r.Sequence, r.Acknowledgment, r.Flags, r.Payload));
                continue;
            }
            for (int at = 0; at < r.Payload.Length; at += maxSegmentPayload)
            {
                int length = Math.Min(maxSegmentPayload, r.Payload.Length - at);
                bool last = at + length == r.Payload.Length;
                var flags = last ? r.Flags : r.Flags & ~(TcpFlags.Fin | TcpFlags.Psh);
                segments.Add(new TemplateSegment(offset, flow, fromClient, r.Sequence + (uint)at, r.Acknowledgment, flags,
                    r.Payload.AsSpan(at, length).ToArray()));
            }
        }

        var sessions = new Dictionary<string, int>();
        var findings = new Dictionary<string, int>();
        if (manifestEntry is { } entry)
        {
            foreach (var s in entry.GetProperty("sessions").EnumerateArray())
                Increment(sessions, s.GetProperty("protocol").GetString()!);
            foreach (var f in entry.GetProperty("findings").EnumerateArray())
            {
                string kind = f.GetProperty("kind").GetString()!;
                string? variant = f.TryGetProperty("variant", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                Increment(findings, variant is null ? kind : $"{kind}/{variant}");
            }
        }

        var file = new TemplateFile
        {
            Name = Path.GetFileName(path), Flows = flows, Segments = segments,
            SessionsByProtocol = sessions, Findings = findings,
        };
        file.Frames = segments.Count;
        file.FrameBytes = segments.Sum(s => (long)PcapWriter.RecordOverhead + s.Payload.Length);
        return file;
    }

    private static void Increment(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;

    private static (Endpoint, Endpoint) Canonical(Endpoint a, Endpoint b) =>
        a.Address.Value < b.Address.Value || (a.Address.Value == b.Address.Value && a.Port < b.Port) ? (a, b) : (b, a);

    private sealed record RawSegment(long Micros, Endpoint Source, Endpoint Destination, uint Sequence, uint Acknowledgment, TcpFlags Flags, byte[] Payload);

    private sealed class Collector : IPacketHandler
    {
        public List<RawSegment> Raw { get; } = new();

        public void OnPacket(in RawPacket packet)
        {
            if (PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out var s) != DecodeResult.Tcp)
                return;
            Raw.Add(new RawSegment(packet.TimestampTicks / 10, s.Source, s.Destination, s.Sequence, s.Acknowledgment, s.Flags, s.Payload.ToArray()));
        }
    }
}
