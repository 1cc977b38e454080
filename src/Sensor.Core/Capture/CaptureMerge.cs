using System.Buffers;

namespace Sensor.Core.Capture;

/// <summary>
/// k-way merge of several files by timestamp (ties: the earlier file first). Each file's next frame
/// is copied into a pooled buffer, because the merge must hold one frame per file at a time.
/// </summary>
internal static class CaptureMerge
{
    private struct Pending
    {
        public byte[] Buffer;
        public int Length;
        public int OriginalLength;
        public long Ticks;
        public int LinkType;
    }

    /// <summary>Returns true when cancelled.</summary>
    public static bool Read(CaptureFileSource[] sources, IPacketHandler handler, CaptureProgress progress, CancellationToken cancellation)
    {
        var pending = new Pending[sources.Length];
        var queue = new PriorityQueue<int, (long Ticks, int File)>(sources.Length);
        try
        {
            for (int i = 0; i < sources.Length; i++)
            {
                progress.Add(sources[i].RecordBytes);
                if (Fill(sources[i], ref pending[i], progress))
                    queue.Enqueue(i, (pending[i].Ticks, i));
            }
            while (queue.TryDequeue(out int i, out _))
            {
                if (cancellation.IsCancellationRequested)
                    return true;
                ref var next = ref pending[i];
                var packet = new RawPacket(next.Ticks, next.LinkType, next.Buffer.AsSpan(0, next.Length), next.OriginalLength, i);
                handler.OnPacket(packet);
                if (Fill(sources[i], ref next, progress))
                    queue.Enqueue(i, (next.Ticks, i));
            }
            return false;
        }
        finally
        {
            foreach (var p in pending)
            {
                if (p.Buffer is not null)
                    ArrayPool<byte>.Shared.Return(p.Buffer);
            }
        }
    }

    private static bool Fill(CaptureFileSource source, ref Pending slot, CaptureProgress progress)
    {
        if (!source.TryRead(out var frame, out long recordBytes))
        {
            progress.Add(Math.Max(0, source.FileSize - source.RecordBytes));
            return false;
        }
        progress.Add(recordBytes);
        var data = frame.Data;
        if (slot.Buffer is null || slot.Buffer.Length < data.Length)
        {
            if (slot.Buffer is not null)
                ArrayPool<byte>.Shared.Return(slot.Buffer);
            slot.Buffer = ArrayPool<byte>.Shared.Rent(Math.Max(data.Length, 2048));
        }
        data.CopyTo(slot.Buffer);
        slot.Length = data.Length;
        slot.OriginalLength = frame.OriginalLength;
        slot.Ticks = frame.Ticks;
        slot.LinkType = source.CurrentLinkType;
        return true;
    }
}
