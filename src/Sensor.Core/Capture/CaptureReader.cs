using System.Runtime.CompilerServices;
namespace Sensor.Core.Capture;

/// <summary>
/// Reads one or more capture files as one capture, in timestamp order. All files are opened and
/// checked before the first frame is delivered, so a bad file fails the run before any output.
/// </summary>
public sealed class CaptureReader
{
    private readonly string[] _paths;

    public CaptureReader(IEnumerable<string> paths)
    {
        _paths = paths.ToArray();
        if (_paths.Length == 0)
            throw new ArgumentException("at least one capture file is needed", nameof(paths));
    }

    public CaptureProgress Progress { get; } = new();

    /// <summary>Delivers every frame to <paramref name="handler"/>. Throws <see cref="CaptureException"/> only before the first frame.</summary>
    public CaptureResult Read(IPacketHandler handler, CancellationToken cancellation = default)
    {
        var sources = OpenAll();
        try
        {
            Progress.Reset(sources.Sum(s => s.FileSize));
            bool cancelled = sources.Length == 1
                ? ReadSingle(sources[0], handler, cancellation)
                : CaptureMerge.Read(sources, handler, Progress, cancellation);
            return Summarize(sources, cancelled);
        }
        finally
        {
            foreach (var source in sources)
                source.Dispose();
        }
    }

    /// <summary>One file: frames go to the handler straight from libpcap's buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadSingle(CaptureFileSource source, IPacketHandler handler, CancellationToken cancellation)
    {
        Progress.Add(source.RecordBytes);
        while (source.TryRead(out var frame, out long recordBytes))
        {
            if (cancellation.IsCancellationRequested)
                return true;
            Progress.Add(recordBytes);
            var packet = new RawPacket(frame.Ticks, source.CurrentLinkType, frame.Data, frame.OriginalLength, source.Index);
            handler.OnPacket(packet);
        }
        Progress.Add(Math.Max(0, source.FileSize - source.RecordBytes));
        return false;
    }

    private CaptureFileSource[] OpenAll()
    {
        var opened = new List<CaptureFileSource>(_paths.Length);
        try
        {
            for (int i = 0; i < _paths.Length; i++)
                opened.Add(CaptureFileSource.Open(_paths[i], i));
            return opened.ToArray();
        }
        catch
        {
            foreach (var source in opened)
                source.Dispose();
            throw;
        }
    }

    private static CaptureResult Summarize(CaptureFileSource[] sources, bool cancelled) => new(
        sources.Sum(s => s.Packets),
        sources.Sum(s => s.Bytes),
        sources.Select(s => new CaptureFileSummary(s.Path, s.LinkType, s.Packets, s.Bytes, s.FileSize, s.CutFrames, s.LongestCut, s.IsStream)).ToArray(),
        sources.Where(s => s.Truncation is not null).Select(s => s.Truncation!).ToArray(),
        cancelled);
}
