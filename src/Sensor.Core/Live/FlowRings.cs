using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Live;

/// <summary>
/// The evidence rings of one worker's flows, keyed like the flow table (both directions, one ring).
/// Bounded per flow (<see cref="PacketRing"/>) and in total: past the byte budget or the flow count,
/// the least recently active flow's ring is released. A ring outlives its flow until then, because
/// a session's findings are judged after its last packet. The worker adds, the sessions thread reads
/// when a finding asks for evidence: both under one lock, uncontended but for findings.
/// </summary>
internal sealed class FlowRings(int maxBytesPerFlow, int maxPacketsPerFlow, long maxTotalBytes)
{
    /// <summary>What a ring costs beside its arrays (the ring, its dictionary entry and list node), for the flow cap.</summary>
    private const int RingOverheadBytes = 200;

    private readonly Lock _gate = new();
    private readonly Dictionary<FlowKey, PacketRing> _rings = new();
    private readonly LinkedList<PacketRing> _leastRecent = new();
    private readonly Stack<PacketRing> _spare = new();
    private readonly int _maxFlows = (int)Math.Max(1, maxTotalBytes / (RingOverheadBytes + 2048 + 8 * PacketRing.Entry.Size));
    private long _bytes;

    public long FootprintBytes
    {
        get
        {
            lock (_gate)
                return _bytes + (long)_rings.Count * RingOverheadBytes;
        }
    }

    public int Flows
    {
        get
        {
            lock (_gate)
                return _rings.Count;
        }
    }

    public long RingsReleased { get; private set; }

    public void Add(in TcpSegment segment, long ticks, int linkType, ReadOnlySpan<byte> frame, int originalLength)
    {
        var key = FlowKey.From(segment.Source, segment.Destination);
        lock (_gate)
        {
            var ring = RingFor(key);
            _bytes += ring.Add(ticks, linkType, frame, originalLength);
            while (_bytes + (long)_rings.Count * RingOverheadBytes > maxTotalBytes && _leastRecent.First!.Value != ring)
                Evict(_leastRecent.First.Value);
        }
    }

    /// <summary>Copies of the flow's packets at or after <paramref name="fromTicks"/>; empty when its ring was released.</summary>
    public List<EvidencePacket> Copy(Endpoint client, Endpoint server, long fromTicks)
    {
        lock (_gate)
            return _rings.TryGetValue(FlowKey.From(client, server), out var ring) ? ring.Copy(fromTicks) : [];
    }

    private PacketRing RingFor(FlowKey key)
    {
        if (_rings.TryGetValue(key, out var ring))
        {
            _leastRecent.Remove(ring.Node!);
            _leastRecent.AddLast(ring.Node!);
            return ring;
        }
        if (_rings.Count >= _maxFlows)
            Evict(_leastRecent.First!.Value);
        ring = _spare.TryPop(out var reused) ? reused : new PacketRing(maxBytesPerFlow, maxPacketsPerFlow);
        ring.Key = key;
        ring.Node ??= new LinkedListNode<PacketRing>(ring);
        _leastRecent.AddLast(ring.Node);
        _rings.Add(key, ring);
        return ring;
    }

    private void Evict(PacketRing ring)
    {
        _bytes -= ring.FootprintBytes;
        ring.Release();
        _rings.Remove(ring.Key);
        _leastRecent.Remove(ring.Node!);
        if (_spare.Count < 1024)
            _spare.Push(ring);
        RingsReleased++;
    }
}
