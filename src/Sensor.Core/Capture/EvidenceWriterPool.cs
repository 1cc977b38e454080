namespace Sensor.Core.Capture;

/// <summary>
/// The evidence files of a second pass, at most <see cref="MaxOpen"/> open at once: a capture can hold
/// tens of thousands of findings, far more than a process may keep files open (1024 by default). The
/// least recently written file is closed first and opened again for appending when its flow goes on.
/// A file is made on its flow's first frame and keeps that frame's link type: a frame of another link
/// type cannot join it and is skipped.
/// </summary>
internal sealed class EvidenceWriterPool(IReadOnlyList<string> paths, bool nanosecond, int maxOpen = EvidenceWriterPool.MaxOpen) : IDisposable
{
    public const int MaxOpen = 64;

    private readonly Dictionary<int, LinkedListNode<(int Index, EvidencePcapWriter Writer)>> _open = [];
    private readonly LinkedList<(int Index, EvidencePcapWriter Writer)> _recent = new();
    private readonly int[] _linkTypes = new int[paths.Count];
    private readonly long[] _packets = new long[paths.Count];

    /// <summary>How many frames went to each file (0: none was made).</summary>
    public IReadOnlyList<long> Packets => _packets;

    public void Write(int index, in RawPacket packet)
    {
        if (_packets[index] > 0 && _linkTypes[index] != packet.LinkType)
            return;
        WriterFor(index, packet.LinkType).Write(packet);
        _packets[index]++;
    }

    private EvidencePcapWriter WriterFor(int index, int linkType)
    {
        if (_open.TryGetValue(index, out var node))
        {
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Writer;
        }
        if (_open.Count >= maxOpen)
            CloseLeastRecent();
        var writer = _packets[index] == 0
            ? new EvidencePcapWriter(paths[index], linkType, nanosecond)
            : EvidencePcapWriter.Append(paths[index], linkType, nanosecond);
        _linkTypes[index] = linkType;
        _open[index] = _recent.AddFirst((index, writer));
        return writer;
    }

    private void CloseLeastRecent()
    {
        var last = _recent.Last!;
        _recent.RemoveLast();
        _open.Remove(last.Value.Index);
        last.Value.Writer.Dispose();
    }

    public void Dispose()
    {
        foreach (var (_, writer) in _recent)
            writer.Dispose();
        _recent.Clear();
        _open.Clear();
    }
}
