namespace Sensor.Core.Output;

/// <summary>
/// When a live JSON Lines file is rotated, as Suricata's eve.json and Zeek's logs are: by size, by time
/// (at multiples of <see cref="Interval"/> since midnight UTC), or both; the live file keeps its name and
/// the old ones become NAME.1 (newest) .. NAME.<see cref="Keep"/>, the oldest deleted, so a shipper
/// (Filebeat, Vector) that follows the name and the inode reads every line once.
/// </summary>
/// <param name="MaxBytes">rotate before a write would take the file past this size; 0: never by size</param>
/// <param name="Interval">rotate at the first write after each boundary; null: never by time</param>
/// <param name="Keep">rotated files kept (at least 1)</param>
public sealed record RotationPolicy(long MaxBytes, TimeSpan? Interval, int Keep)
{
    public static readonly RotationPolicy Never = new(0, null, 1);

    /// <summary>The first rotation boundary after <paramref name="now"/>, or DateTimeOffset.MaxValue when not rotating by time.</summary>
    public DateTimeOffset NextBoundary(DateTimeOffset now)
    {
        if (Interval is not { } interval)
            return DateTimeOffset.MaxValue;
        var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        long periods = (now - midnight).Ticks / interval.Ticks + 1;
        return midnight + TimeSpan.FromTicks(periods * interval.Ticks);
    }
}

/// <summary>
/// An append-only file (created 0640) that rotates by <see cref="RotationPolicy"/> and can be reopened
/// after logrotate moved it (SIGHUP). It rotates only between two writes, so a writer that hands it one
/// whole line a write (<see cref="JsonLinesWriter"/> with flushEachLine) never has a line split
/// across two files. Writes and <see cref="Reopen"/> may come from different threads.
/// </summary>
public sealed class RotatingFileStream : Stream
{
    private readonly string _path;
    private readonly RotationPolicy _policy;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private FileStream _file;
    private DateTimeOffset _nextRotation;

    public RotatingFileStream(string path, RotationPolicy policy, TimeProvider? clock = null)
    {
        if (policy.Keep < 1 || policy.MaxBytes < 0 || policy.Interval <= TimeSpan.Zero)
            throw new ArgumentException("rotation keeps at least one file, by a size of 0 or more and an interval above 0");
        _path = path;
        _policy = policy;
        _clock = clock ?? TimeProvider.System;
        _file = Open(path);
        _nextRotation = policy.NextBoundary(_clock.GetUtcNow());
    }

    /// <summary>Files rotated away since this stream was made.</summary>
    public int Rotations { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            bool full = _policy.MaxBytes > 0 && _file.Length > 0 && _file.Length + buffer.Length > _policy.MaxBytes;
            if (full || now >= _nextRotation)
                Rotate(now);
            _file.Write(buffer);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
        lock (_gate)
            _file.Flush();
    }

    /// <summary>Closes the file and opens the path again: after logrotate renamed it, writing goes on in a new file.</summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _file.Dispose();
            _file = Open(_path);
        }
    }

    private void Rotate(DateTimeOffset now)
    {
        _nextRotation = _policy.NextBoundary(now);
        if (_file.Length == 0)
            return;
        _file.Dispose();
        File.Delete(Rotated(_policy.Keep));
        for (int i = _policy.Keep - 1; i >= 1; i--)
            if (File.Exists(Rotated(i)))
                File.Move(Rotated(i), Rotated(i + 1));
        File.Move(_path, Rotated(1));
        _file = Open(_path);
        Rotations++;
    }

    private string Rotated(int generation) => $"{_path}.{generation}";

    private static FileStream Open(string path)
    {
        // No buffer of its own: each write reaches the file whole, and the caller already buffers a line.
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read | FileShare.Delete, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        return new FileStream(path, options);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            lock (_gate)
                _file.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
