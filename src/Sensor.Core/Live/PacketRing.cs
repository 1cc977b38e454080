namespace Sensor.Core.Live;

/// <summary>One packet as evidence: a copy, made only when a finding asks for it.</summary>
public sealed record EvidencePacket(long Ticks, int LinkType, byte[] Data, int OriginalLength);

/// <summary>
/// A flow's most recent packets, oldest overwritten first, in a byte buffer used round and round.
/// The buffer starts small and doubles up to its cap, so the many flows of one packet cost little.
/// Its arrays are plain allocations, made as it grows (never per packet) and left to the collector
/// when it is released: a pool would keep released arrays alive, outside the memory budget.
/// </summary>
internal sealed class PacketRing
{
    private const int InitialBytes = 2048, InitialPackets = 8;

    private readonly int _maxBytes, _maxPackets;
    private byte[] _buffer = [];
    private Entry[] _entries = [];
    private int _first, _count, _head;

    public PacketRing(int maxBytes, int maxPackets)
    {
        _maxBytes = maxBytes;
        _maxPackets = maxPackets;
    }

    /// <summary>Bytes this ring holds in arrays (its buffer and its packet headers).</summary>
    public long FootprintBytes => _buffer.Length + (long)_entries.Length * Entry.Size;

    public int Count => _count;

    /// <summary>Back-pointer for the owner's least-recently-active list.</summary>
    public LinkedListNode<PacketRing>? Node { get; set; }
    public Reassembly.FlowKey Key { get; set; }

    /// <summary>Keeps a copy of the frame (cut to the ring's size); returns how much the footprint grew.</summary>
    public long Add(long ticks, int linkType, ReadOnlySpan<byte> frame, int originalLength)
    {
        if (frame.Length > _maxBytes)
            frame = frame[.._maxBytes];
        long before = FootprintBytes;
        Grow(frame.Length);
        if (_count == PacketCapacity)
            DropOldest();
        if (_head + frame.Length > _buffer.Length)
            WrapAround();
        while (_count > 0 && Overlaps(_entries[_first], _head, frame.Length))
            DropOldest();
        frame.CopyTo(_buffer.AsSpan(_head));
        _entries[(_first + _count) % _entries.Length] = new Entry(ticks, _head, frame.Length, Math.Max(originalLength, frame.Length), linkType);
        _count++;
        _head += frame.Length;
        return FootprintBytes - before;
    }

    private int PacketCapacity => _entries.Length;

    /// <summary>
    /// Writing starts again at the buffer's start. The oldest packets are those of the last round, past
    /// the write point; they go first, so the overlap check below always meets the oldest packet first.
    /// </summary>
    private void WrapAround()
    {
        while (_count > 0 && _entries[_first].Offset >= _head)
            DropOldest();
        _head = 0;
    }

    /// <summary>Copies of the packets at or after <paramref name="fromTicks"/>, oldest first.</summary>
    public List<EvidencePacket> Copy(long fromTicks)
    {
        var packets = new List<EvidencePacket>(_count);
        for (int i = 0; i < _count; i++)
        {
            var entry = _entries[(_first + i) % _entries.Length];
            if (entry.Ticks >= fromTicks)
                packets.Add(new EvidencePacket(entry.Ticks, entry.LinkType, _buffer.AsSpan(entry.Offset, entry.Length).ToArray(), entry.OriginalLength));
        }
        return packets;
    }

    /// <summary>Lets go of the arrays; the ring can be reused for another flow.</summary>
    public void Release()
    {
        _buffer = [];
        _entries = [];
        _first = _count = _head = 0;
    }

    /// <summary>Doubles the buffer (and the header row) while the packets held plus this one would not fit, up to the caps.</summary>
    private void Grow(int incoming)
    {
        if (_entries.Length == 0)
        {
            _buffer = new byte[Math.Min(_maxBytes, Math.Max(InitialBytes, incoming))];
            _entries = new Entry[Math.Min(_maxPackets, InitialPackets)];
            return;
        }
        if (_count == PacketCapacity && PacketCapacity < _maxPackets)
            Rearrange(_buffer.Length, Math.Min(_maxPackets, _entries.Length * 2));
        long held = HeldBytes();
        if (held + incoming > _buffer.Length && _buffer.Length < _maxBytes)
            Rearrange((int)Math.Min(_maxBytes, Math.Max(_buffer.Length * 2L, held + incoming)), _entries.Length);
    }

    private long HeldBytes()
    {
        long sum = 0;
        for (int i = 0; i < _count; i++)
            sum += _entries[(_first + i) % _entries.Length].Length;
        return sum;
    }

    /// <summary>Moves the packets, oldest first, into new arrays of the given sizes.</summary>
    private void Rearrange(int bytes, int packets)
    {
        var buffer = new byte[bytes];
        var entries = new Entry[packets];
        int offset = 0;
        for (int i = 0; i < _count; i++)
        {
            var entry = _entries[(_first + i) % _entries.Length];
            _buffer.AsSpan(entry.Offset, entry.Length).CopyTo(buffer.AsSpan(offset));
            entries[i] = entry with { Offset = offset };
            offset += entry.Length;
        }
        int count = _count;
        Release();
        (_buffer, _entries, _first, _count, _head) = (buffer, entries, 0, count, offset);
    }

    private void DropOldest()
    {
        _first = (_first + 1) % _entries.Length;
        _count--;
    }

    private static bool Overlaps(Entry entry, int start, int length) =>
        entry.Offset < start + length && start < entry.Offset + entry.Length;

    internal readonly record struct Entry(long Ticks, int Offset, int Length, int OriginalLength, int LinkType)
    {
        public const int Size = 24;
    }
}
