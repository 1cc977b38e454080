namespace Sensor.Core.Capture;

/// <summary>
/// Bytes read so far against the files' total size, for a progress bar. Written by the reading thread,
/// read from any thread. Bytes read count record headers and captured bytes (classic pcap: exact;
/// pcapng: a little under, block options are not counted) and jump to the file size at each file's end.
/// </summary>
public sealed class CaptureProgress
{
    private long _bytesRead;

    public long TotalBytes { get; internal set; }
    public long BytesRead => Volatile.Read(ref _bytesRead);
    public double Fraction => TotalBytes == 0 ? 1 : Math.Min(1, (double)BytesRead / TotalBytes);

    internal void Reset(long totalBytes)
    {
        TotalBytes = totalBytes;
        Volatile.Write(ref _bytesRead, 0);
    }

    internal void Add(long bytes) => Volatile.Write(ref _bytesRead, _bytesRead + bytes);
}
