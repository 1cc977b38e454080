namespace Sensor.Core.Capture;

/// <summary>
/// Tells a capture that arrives as a stream (`-` for stdin, a FIFO, /dev/stdin on a pipe) from a
/// regular file: libpcap and the truncation walk read a file by path, more than once, which a
/// stream cannot give, so a stream is read once, front to back, by the sensor's own readers.
/// </summary>
internal static class CaptureInput
{
    public const string StandardInput = "-";

    /// <summary>The open stream when <paramref name="path"/> is one that cannot seek; null for a regular file (or none).</summary>
    public static Stream? OpenStream(string path)
    {
        if (path == StandardInput)
            return Console.OpenStandardInput();
        if (!File.Exists(path))
            return null;
        FileStream stream;
        try
        {
            // Opening a FIFO waits for its writer, as `cat FIFO` does.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: {e.Message}", e);
        }
        if (!stream.CanSeek)
            return stream;
        stream.Dispose();
        return null;
    }
}

/// <summary>A read-only stream that gives back the bytes already read from it (the sniffed magic), then the rest.</summary>
internal sealed class PeekedStream(byte[] head, Stream rest) : IO.ForwardReadStream
{
    private int _headUsed;

    public override int Read(Span<byte> buffer)
    {
        if (_headUsed < head.Length)
        {
            int n = Math.Min(buffer.Length, head.Length - _headUsed);
            head.AsSpan(_headUsed, n).CopyTo(buffer);
            _headUsed += n;
            return n;
        }
        return rest.Read(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            rest.Dispose();
        base.Dispose(disposing);
    }
}
