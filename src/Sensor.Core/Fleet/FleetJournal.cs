using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;

namespace Sensor.Core.Fleet;

/// <summary>
/// The outbox on disk: the records a sensor made and the bus has not acknowledged, in a folder
/// (<c>fleet-outbox-&lt;sensor&gt;</c>) of append-only segment files of <see cref="JournalFrame"/>s and a small
/// <c>committed</c> file saying where the acknowledged part ends. Appends are whole batches in one write;
/// they reach the operating system at once (a killed sensor loses nothing it appended) and are synced to
/// the disk by the first append <see cref="SyncInterval"/> or more after the last sync, when a segment is
/// full and at exit (a power cut loses what came since the last sync).
/// A segment is deleted once every record in it was acknowledged. The committed file is rewritten in place
/// at most every <see cref="CommitInterval"/> and not synced: when it lags, the next run sends some
/// acknowledged records again, which JetStream's duplicate window drops. When the disk refuses a write (a
/// full disk), that batch and every later one are kept in memory for the rest of the run.
/// Not thread-safe: one publishing loop owns it.
/// </summary>
public sealed class FleetJournal : IDisposable
{
    public const long SegmentBytes = 32 << 20;
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(200);
    private const string SegmentSuffix = ".seg";
    private const string CommittedName = "committed";
    private const int CommittedSize = 20;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder;
    private readonly Action<string> _warn;
    private readonly List<long> _segments = []; // disk segments, oldest first; the last is the one written to
    private readonly Dictionary<long, long> _lengths = []; // the readable length of each segment no longer written to
    private readonly ArrayBufferWriter<byte> _frames = new(1 << 20);
    private readonly List<OutboxMessage> _memory = [];
    private readonly FileStream _committed;
    private FileStream? _writer;
    private long _writeSegment;
    private long _writeOffset;
    private FileStream? _reader;
    private long _readerSegment = -1;
    private long _memoryBase; // the offset of _memory[0] among the records kept in memory
    private JournalPosition _cursor;
    private long _lastSync = Stopwatch.GetTimestamp();
    private long _lastCommit = Stopwatch.GetTimestamp();

    private FleetJournal(string folder, Action<string> warn)
    {
        _folder = folder;
        _warn = warn;
        _committed = OwnerOnlyFile(Path.Combine(folder, CommittedName), FileMode.OpenOrCreate, FileAccess.ReadWrite);
    }

    /// <summary>Records appended and not acknowledged yet.</summary>
    public long Count { get; private set; }

    /// <summary>The end of the acknowledged part: <see cref="Rewind"/> goes back here.</summary>
    public JournalPosition Acknowledged { get; private set; }

    /// <summary>Records appended after the disk refused a write, kept in memory only: lost if the run ends before the bus takes them.</summary>
    public int InMemory => _memory.Count;

    /// <summary>
    /// The outbox of sensor <paramref name="sensor"/> in <paramref name="folder"/>, with what an earlier run
    /// left; a frame cut short by a crash ends its segment. Throws IOException or UnauthorizedAccessException.
    /// </summary>
    public static FleetJournal Open(string folder, string sensor, Action<string> warn)
    {
        var path = Path.Combine(folder, $"fleet-outbox-{sensor}");
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, OwnerOnly | UnixFileMode.UserExecute);
        var journal = new FleetJournal(path, warn);
        try
        {
            journal.Recover();
        }
        catch
        {
            journal.Dispose();
            throw;
        }
        return journal;
    }

    private void Recover()
    {
        var committed = ReadCommitted();
        var found = Directory.GetFiles(_folder, "*" + SegmentSuffix)
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), out var n) ? n : -1).Where(n => n >= 0).Order().ToList();
        JournalPosition? first = null;
        foreach (var segment in found)
        {
            var start = segment == committed.Segment ? committed.Offset : 0;
            var (records, length) = segment < committed.Segment ? (0, 0L) : Scan(segment, start);
            if (records == 0)
            {
                Delete(segment);
                continue;
            }
            first ??= new JournalPosition(segment, start);
            _segments.Add(segment);
            _lengths[segment] = length;
            Count += records;
        }
        _writeSegment = Math.Max(committed.Segment, found.Count > 0 ? found[^1] : 0) + 1;
        _writer = Create(_writeSegment);
        _segments.Add(_writeSegment);
        Acknowledged = _cursor = first ?? new JournalPosition(_writeSegment, 0);
    }

    /// <summary>Counts the whole frames from <paramref name="start"/> on and cuts the file after the last of them.</summary>
    private (int Records, long Length) Scan(long segment, long start)
    {
        using var file = new FileStream(SegmentPath(segment), FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1 << 20);
        if (start > file.Length)
            return (0, file.Length);
        file.Position = start;
        var records = 0;
        Span<byte> header = stackalloc byte[JournalFrame.HeaderSize];
        while (TryReadFrame(file, header, file.Length) is not null)
            records++;
        if (file.Position < file.Length)
        {
            _warn($"bus: the outbox segment {SegmentPath(segment)} ends in a damaged or partly written record at byte {file.Position}; it is cut there");
            file.SetLength(file.Position);
        }
        return (records, file.Position);
    }

    /// <summary>The frame at the file's position when it is whole and checks out (the position then after it), else null (the position unchanged).</summary>
    private static OutboxMessage? TryReadFrame(FileStream file, Span<byte> header, long limit)
    {
        var start = file.Position;
        if (limit - start < JournalFrame.HeaderSize)
            return null;
        file.ReadExactly(header);
        var length = JournalFrame.PayloadLength(header);
        if (length < 0 || limit - file.Position < length)
        {
            file.Position = start;
            return null;
        }
        var payload = new byte[length];
        file.ReadExactly(payload);
        var message = JournalFrame.Read(header, payload);
        if (message is null)
            file.Position = start;
        return message;
    }

    /// <summary>Appends a batch in one write; when the disk refuses it, it and all later batches are kept in memory.</summary>
    public void Append(IReadOnlyList<OutboxMessage> batch)
    {
        if (batch.Count == 0)
            return;
        if (_writer is not null)
        {
            try
            {
                WriteToDisk(batch);
                Count += batch.Count;
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                GoOnInMemory(e);
            }
        }
        _memory.AddRange(batch);
        Count += batch.Count;
    }

    private void WriteToDisk(IReadOnlyList<OutboxMessage> batch)
    {
        _frames.ResetWrittenCount();
        foreach (var message in batch)
            JournalFrame.Write(_frames, message);
        _writer!.Write(_frames.WrittenSpan);
        _writer.Flush();
        _writeOffset += _frames.WrittenCount;
        if (_writeOffset >= SegmentBytes)
            Roll();
        else if (Stopwatch.GetElapsedTime(_lastSync) >= SyncInterval)
            Sync();
    }

    private void Sync()
    {
        _writer!.Flush(flushToDisk: true);
        _lastSync = Stopwatch.GetTimestamp();
    }

    /// <summary>A full segment goes to the disk and is closed; the next one is started.</summary>
    private void Roll()
    {
        Sync();
        _writer!.Dispose();
        _lengths[_writeSegment] = _writeOffset;
        _writer = Create(++_writeSegment);
        _segments.Add(_writeSegment);
        _writeOffset = 0;
    }

    /// <summary>The disk refused a write: the segment is cut back to its last whole batch and is not written to again.</summary>
    private void GoOnInMemory(Exception e)
    {
        try
        {
            _writer!.SetLength(_writeOffset);
        }
        catch (IOException)
        {
            // a frame cut short is found by its checksum when the next run reads the segment
        }
        Close(_writer);
        _writer = null;
        _lengths[_writeSegment] = _writeOffset;
        _warn($"bus: the outbox cannot be written ({e.Message}); records go to the bus from memory this run, and those it has not taken at the end are lost");
    }

    /// <summary>The next record after the cursor, and where it ends; false when every appended record was read.</summary>
    public bool TryRead(out OutboxMessage message, out JournalPosition end)
    {
        while (true)
        {
            if (_cursor.Segment == JournalPosition.InMemory)
                return TryReadMemory(out message, out end);
            var limit = _cursor.Segment == _writeSegment && _writer is not null ? _writeOffset : _lengths[_cursor.Segment];
            if (_cursor.Offset < limit)
            {
                message = ReadFrame(limit);
                end = _cursor = new JournalPosition(_cursor.Segment, _reader!.Position);
                return true;
            }
            var next = _segments.FindIndex(s => s > _cursor.Segment);
            if (next >= 0)
                _cursor = new JournalPosition(_segments[next], 0);
            else if (_writer is null)
                _cursor = new JournalPosition(JournalPosition.InMemory, _memoryBase);
            else
                return Nothing(out message, out end);
        }
    }

    private bool TryReadMemory(out OutboxMessage message, out JournalPosition end)
    {
        var index = _cursor.Offset - _memoryBase;
        if (index >= _memory.Count)
            return Nothing(out message, out end);
        message = _memory[(int)index];
        end = _cursor = _cursor with { Offset = _cursor.Offset + 1 };
        return true;
    }

    private static bool Nothing(out OutboxMessage message, out JournalPosition end)
    {
        (message, end) = (null!, default);
        return false;
    }

    private OutboxMessage ReadFrame(long limit)
    {
        if (_readerSegment != _cursor.Segment)
        {
            _reader?.Dispose();
            _reader = new FileStream(SegmentPath(_cursor.Segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
            _readerSegment = _cursor.Segment;
        }
        if (_reader!.Position != _cursor.Offset)
            _reader.Position = _cursor.Offset;
        Span<byte> header = stackalloc byte[JournalFrame.HeaderSize];
        return TryReadFrame(_reader, header, limit)
            ?? throw new InvalidDataException($"the outbox segment {SegmentPath(_cursor.Segment)} is damaged at byte {_cursor.Offset}");
    }

    /// <summary>Reading starts again after the last acknowledged record (the bus failed before acknowledging the rest).</summary>
    public void Rewind() => _cursor = Acknowledged;

    /// <summary>
    /// Every record up to <paramref name="through"/> (<paramref name="records"/> of them since the last call) was
    /// acknowledged: segments wholly behind it are deleted, and the committed file says so (within <see cref="CommitInterval"/>).
    /// </summary>
    public void Acknowledge(JournalPosition through, int records)
    {
        Acknowledged = through;
        Count -= records;
        if (through.Segment == JournalPosition.InMemory)
        {
            _memory.RemoveRange(0, (int)(through.Offset - _memoryBase));
            _memoryBase = through.Offset;
        }
        while (_segments.Count > 0 && _segments[0] < through.Segment && (_writer is null || _segments[0] != _writeSegment))
        {
            Delete(_segments[0]);
            _lengths.Remove(_segments[0]);
            _segments.RemoveAt(0);
        }
        if (Stopwatch.GetElapsedTime(_lastCommit) >= CommitInterval)
            Commit();
    }

    /// <summary>Writes where the acknowledged part ends (in place: no new block is needed on a full disk).</summary>
    private void Commit()
    {
        _lastCommit = Stopwatch.GetTimestamp();
        var done = Acknowledged.Segment == JournalPosition.InMemory ? new JournalPosition(_writeSegment, _writeOffset) : Acknowledged;
        Span<byte> bytes = stackalloc byte[CommittedSize];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, done.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], done.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[16..], Crc32.HashToUInt32(bytes[..16]));
        try
        {
            RandomAccess.Write(_committed.SafeFileHandle, bytes, 0);
        }
        catch (IOException)
        {
            // the next run sends the records acknowledged since the last commit again; the stream drops them as duplicates
        }
    }

    /// <summary>Where the acknowledged part ended when the file was last written; the start of everything when it is missing or damaged.</summary>
    private JournalPosition ReadCommitted()
    {
        Span<byte> bytes = stackalloc byte[CommittedSize];
        if (RandomAccess.Read(_committed.SafeFileHandle, bytes, 0) != CommittedSize
            || Crc32.HashToUInt32(bytes[..16]) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]))
            return new JournalPosition(0, 0);
        return new JournalPosition(BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]));
    }

    private string SegmentPath(long segment) => Path.Combine(_folder, $"{segment:D20}{SegmentSuffix}");

    private FileStream Create(long segment) => OwnerOnlyFile(SegmentPath(segment), FileMode.CreateNew, FileAccess.Write);

    /// <summary>Unbuffered (batches are written whole), mode 0600 when it is made: the records hold findings and user names.</summary>
    private static FileStream OwnerOnlyFile(string path, FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.Read | FileShare.Delete, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        return new FileStream(path, options);
    }

    private void Delete(long segment)
    {
        try
        {
            File.Delete(SegmentPath(segment));
        }
        catch (IOException)
        {
            // left for the next run, which finds it acknowledged and deletes it
        }
    }

    private static void Close(FileStream? file)
    {
        try
        {
            file?.Dispose();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Syncs what was appended and records what was acknowledged; what memory held is gone.</summary>
    public void Dispose()
    {
        if (_writer is not null)
        {
            try
            {
                Sync();
            }
            catch (IOException e)
            {
                _warn($"bus: the outbox could not be synced to the disk ({e.Message})");
            }
        }
        Close(_writer);
        _reader?.Dispose();
        Commit();
        _committed.Dispose();
    }
}
