using System.Diagnostics;
using System.Text.Json;
using Sensor.CaptureGen;

// sensor-capturegen OUT.pcap [--captures DIR] [--mail-sessions N] [--min-bytes N] [--seed N] [--duration-seconds N] [--wrap none|pppoe|vxlan]
// sensor-capturegen OUT.pcap --flood syns|open-lines|literals [--count N]   (Floods.cs)
// Writes a deterministic classic pcap (Ethernet, microseconds) of real mail sessions (replayed from
// captures/) interleaved in time with bulk TCP, and OUT.pcap.json with what was written. --wrap puts
// every frame in a PPPoE session or a VXLAN tunnel (the same packets otherwise), for the tunnel benchmark.

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: sensor-capturegen OUT.pcap [--captures DIR] [--mail-sessions N] [--min-bytes N] [--seed N] [--duration-seconds N] [--wrap none|pppoe|vxlan]");
    Console.Error.WriteLine("       sensor-capturegen OUT.pcap --flood syns|open-lines|literals [--count N]");
    return 2;
}
string output = args[0];
if (args.Length >= 3 && args[1] == "--flood")
{
    Floods.Write(output, args[2], args.Length >= 5 && args[3] == "--count" ? int.Parse(args[4]) : 1_000_000);
    return 0;
}
string? capturesDir = null;
int targetSessions = 60_000, seed = 20260101;
long minBytes = 1L << 30;
long durationSeconds = 600;
var wrap = Wrap.None;
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--captures": capturesDir = args[++i]; break;
        case "--mail-sessions": targetSessions = int.Parse(args[++i]); break;
        case "--min-bytes": minBytes = long.Parse(args[++i]); break;
        case "--seed": seed = int.Parse(args[++i]); break;
        case "--duration-seconds": durationSeconds = long.Parse(args[++i]); break;
        case "--wrap": wrap = Enum.Parse<Wrap>(args[++i], ignoreCase: true); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
capturesDir ??= FindCaptures();
var stopwatch = Stopwatch.StartNew();

// Templates: every real capture with mail sessions, except the deliberately truncated one, the one whose
// meaning is a forged segment's bad checksum (frames are written here with zero checksums, as offloading
// leaves them) and the tunnelled ones (encap-*: the sessions of other captures again, inside tunnels).
using var manifestDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(capturesDir, "manifest.json")));
var manifest = manifestDoc.RootElement.GetProperty("captures").EnumerateArray()
    .ToDictionary(e => e.GetProperty("file").GetString()!, e => e);
var templates = new List<TemplateFile>();
foreach (var (name, entry) in manifest.OrderBy(kv => kv.Key, StringComparer.Ordinal))
{
    if (entry.GetProperty("truncated").GetBoolean() || entry.GetProperty("sessions").GetArrayLength() == 0 || name.StartsWith("encap-", StringComparison.Ordinal)
        || entry.GetProperty("made_by").GetString()!.Contains("forge_segments.py badsum", StringComparison.Ordinal))
        continue;
    var t = TemplateFile.Load(Path.Combine(capturesDir, name), entry, minGapMicros: 300, maxGapMicros: 2_000_000, maxSegmentPayload: BulkFlow.Mss);
    if (t is not null && t.Flows.Count > 0)
        templates.Add(t);
}

// Plan: each template is replayed the same number of times, except the 1 MB pipelining capture,
// which is replayed a few times only (it would otherwise be most of the mail bytes).
int sessionsPerRound = templates.Sum(t => t.Sessions);
int rounds = (targetSessions + sessionsPerRound - 1) / sessionsPerRound;
int InstancesOf(TemplateFile t) => t.FrameBytes > 200_000 ? Math.Max(1, rounds / 40) : rounds;
long mailBytes = templates.Sum(t => t.FrameBytes * InstancesOf(t));
long bulkTarget = Math.Max(minBytes - mailBytes, 4 * mailBytes) + (minBytes / 50);
long duration = durationSeconds * 1_000_000;
long epoch = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;

var random = new Random(seed);
var units = new PriorityQueue<Unit, (long, int)>();
int order = 0;
var sessionsByProtocol = new Dictionary<string, long>();
var findings = new Dictionary<string, long>();
var perTemplate = new List<object>();
int instanceNumber = 0;
for (int ti = 0; ti < templates.Count; ti++)
{
    var t = templates[ti];
    int instances = InstancesOf(t);
    long latest = Math.Max(1, duration - t.DurationMicros - 1_000_000);
    for (int n = 0; n < instances; n++)
    {
        instanceNumber++;
        // Clients 10.x.y.z, one per replay; servers 198.(18+k).T.(1..16): each template has its own
        // servers so what the sensor learns about a server comes from that template's sessions only.
        uint clientIp = (10u << 24) | (uint)instanceNumber;
        var serverIps = Enumerable.Range(0, 4).Select(k => (198u << 24) | ((uint)(18 + k) << 16) | ((uint)ti << 8) | (uint)(1 + n % 16)).ToArray();
        long start = epoch + random.NextInt64(0, latest);
        var unit = new MailInstance(t, start, clientIp, serverIps, random);
        units.Enqueue(unit, (unit.NextMicros, order++));
    }
    foreach (var (p, c) in t.SessionsByProtocol) sessionsByProtocol[p] = sessionsByProtocol.GetValueOrDefault(p) + (long)c * instances;
    foreach (var (k, c) in t.Findings) findings[k] = findings.GetValueOrDefault(k) + (long)c * instances;
    perTemplate.Add(new { file = t.Name, instances, sessions_each = t.Sessions, frames_each = t.Frames, frame_bytes_each = t.FrameBytes, findings_each = t.Findings });
}

// Bulk flows: sizes log-uniform 16 KiB..16 MiB, rates log-uniform 0.2..20 MB/s, start times uniform.
ushort[] bulkPorts = [80, 80, 80, 443, 443, 443, 8080, 22, 3306, 5201, 9000, 873];
var bulk = new List<BulkFlow>();
long bulkPlanned = 0;
int bulkWithoutSyn = 0, bulkUploads = 0;
while (bulkPlanned < bulkTarget)
{
    long size = (long)Math.Exp(random.NextDouble() * (Math.Log(16 << 20) - Math.Log(16 << 10)) + Math.Log(16 << 10));
    double rate = Math.Exp(random.NextDouble() * (Math.Log(20e6) - Math.Log(0.2e6)) + Math.Log(0.2e6));
    long gap = Math.Max(1, (long)(BulkFlow.Mss / rate * 1e6));
    long flowDuration = gap * (size / BulkFlow.Mss + 1) * 3 / 2;
    long start = epoch + random.NextInt64(0, Math.Max(1, duration - Math.Min(flowDuration, duration / 2)));
    int k = bulk.Count + 1;
    uint clientIp = (172u << 24) | (16u << 16) | (uint)(k & 0xffff);
    uint serverIp = (203u << 24) | (0u << 16) | (113u << 8) | (uint)(1 + k % 200);
    ushort port = bulkPorts[random.Next(bulkPorts.Length)];
    bool withSyn = random.Next(10) != 0;
    bool upload = random.Next(5) == 0;
    if (!withSyn) bulkWithoutSyn++;
    if (upload) bulkUploads++;
    var flow = new BulkFlow(start, clientIp, (ushort)(20000 + (k * 7919) % 40000), serverIp, port, size, gap, withSyn, upload, random);
    bulk.Add(flow);
    units.Enqueue(flow, (flow.NextMicros, order++));
    bulkPlanned += BulkFlow.EstimateFrameBytes(size);
}

// Merge every unit's packets in time order (ties by the order units were made: deterministic).
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
long mailPackets = 0, mailWritten = 0;
using (var writer = new PcapWriter(output, wrap))
{
    while (units.TryDequeue(out var unit, out var priority))
    {
        long before = writer.Bytes;
        bool more = unit.WriteNext(writer);
        if (unit is MailInstance) { mailPackets++; mailWritten += writer.Bytes - before; }
        if (more)
            units.Enqueue(unit, (unit.NextMicros, priority.Item2));
    }
    long totalSessions = sessionsByProtocol.Values.Sum();
    var summary = new
    {
        file = Path.GetFullPath(output),
        seed,
        duration_seconds = durationSeconds,
        packets = writer.Packets,
        bytes = writer.Bytes,
        mail = new
        {
            sessions = totalSessions,
            sessions_by_protocol = sessionsByProtocol,
            template_replays = instanceNumber,
            packets = mailPackets,
            bytes = mailWritten,
            share_of_bytes = Math.Round((double)mailWritten / writer.Bytes, 4),
            expected_findings_from_manifest = findings,
            expected_findings_total = findings.Values.Sum(),
        },
        bulk = new
        {
            flows = bulk.Count,
            flows_without_syn = bulkWithoutSyn,
            uploads = bulkUploads,
            packets = writer.Packets - mailPackets,
            bytes = writer.Bytes - 24 - mailWritten,
            payload_bytes = bulk.Sum(b => b.PayloadBytes),
        },
        templates = perTemplate,
        seconds_to_generate = Math.Round(stopwatch.Elapsed.TotalSeconds, 1),
    };
    var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
    File.WriteAllText(output + ".json", json + "\n");
    Console.WriteLine($"wrote {output}: {writer.Packets:N0} packets, {writer.Bytes:N0} bytes in {stopwatch.Elapsed.TotalSeconds:F1} s");
    Console.WriteLine($"  mail: {totalSessions:N0} sessions ({string.Join(", ", sessionsByProtocol.Select(kv => $"{kv.Key} {kv.Value:N0}"))}) from {instanceNumber:N0} template replays, {mailPackets:N0} packets, {mailWritten:N0} bytes ({100.0 * mailWritten / writer.Bytes:F1}% of the file)");
    Console.WriteLine($"  expected findings (manifest x replays): {findings.Values.Sum():N0}: {string.Join(", ", findings.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value:N0}"))}");
    Console.WriteLine($"  bulk: {bulk.Count:N0} flows ({bulkWithoutSyn} without SYN, {bulkUploads} uploads), {writer.Packets - mailPackets:N0} packets");
    Console.WriteLine($"  counts: {output}.json");
}
return 0;

static string FindCaptures()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "captures", "manifest.json")))
            return Path.Combine(dir.FullName, "captures");
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "captures", "manifest.json")))
            return Path.Combine(dir.FullName, "captures");
    throw new DirectoryNotFoundException("captures/manifest.json not found; pass --captures DIR");
}
