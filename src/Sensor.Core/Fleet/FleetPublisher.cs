using System.Collections.Concurrent;
using System.Threading.Channels;
using NATS.Client.Core;

namespace Sensor.Core.Fleet;

/// <summary>How a sensor publishes to the fleet bus.</summary>
public sealed record FleetSettings(NatsOpts Bus, string SensorName, string OutboxFolder, int OutboxCap = FleetSettings.DefaultOutboxCap)
{
    /// <summary>Records waiting for the bus at most (about 1-2 KB each on disk); past it new records are dropped and counted.</summary>
    public const int DefaultOutboxCap = 100_000;
}

/// <summary>
/// Sends a sensor's records to JetStream without ever making capture wait for the bus.
/// <see cref="Enqueue"/> only queues in memory; one background loop appends the queue to the on-disk
/// <see cref="FleetJournal"/> in large batches and publishes from it oldest first, each record with its
/// Nats-Msg-Id, up to <see cref="AckWindowSize"/> acks in flight; a record leaves the journal once it and
/// every record before it were acknowledged. While the bus is away the loop retries with a growing pause
/// (0.5 s doubling up to <see cref="MaxRetryPause"/>), and the journal (capped) keeps what waits.
/// </summary>
public sealed class FleetPublisher : IAsyncDisposable, IDisposable
{
    /// <summary>Records published and not acknowledged yet at most: enough to keep a local server busy, few enough to send again cheaply.</summary>
    public const int AckWindowSize = 4096;

    /// <summary>How long the loop waits for the next ack before it takes the bus for gone and sends the unacknowledged again.</summary>
    public static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan FirstRetryPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest retry pause: a retry while the bus is away costs one refused connection attempt, so the sensor
    /// resumes within 5 s of the bus coming back after an outage of any length.
    /// </summary>
    public static readonly TimeSpan MaxRetryPause = TimeSpan.FromSeconds(5);

    /// <summary>How long closing waits for the bus to take another record before leaving the rest for the next run.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly FleetSettings _settings;
    private readonly Action<string> _info;
    private readonly Action<string> _warn;
    private readonly FleetJournal _journal;
    private readonly ConcurrentQueue<OutboxMessage> _queue = new();
    private readonly List<OutboxMessage> _batch = [];
    private readonly AckWindow _acks = new(AckWindowSize);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _loop;
    private int _queued;
    private long _dropped;
    private long _published;
    private long _journalCount;
    private FleetLink? _link;
    private bool _disposed;
    private bool _down;

    private FleetPublisher(FleetSettings settings, FleetJournal journal, Action<string> info, Action<string> warn)
    {
        _settings = settings;
        _journal = journal;
        _info = info;
        _warn = warn;
        _journalCount = journal.Count;
        if (journal.Count > 0)
            info($"bus: {journal.Count} records from an earlier run wait in the outbox; they go first");
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Opens the outbox (an IOException or UnauthorizedAccessException when it cannot) and starts publishing;
    /// <paramref name="info"/> hears of connections, <paramref name="warn"/> of an absent bus and of drops.
    /// </summary>
    public static FleetPublisher Start(FleetSettings settings, Action<string> info, Action<string> warn) =>
        new(settings, FleetJournal.Open(settings.OutboxFolder, settings.SensorName, warn), info, warn);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records JetStream acknowledged this run.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Records made and not yet acknowledged by the bus (in memory and in the outbox).</summary>
    public int Waiting => (int)Math.Min(int.MaxValue, Volatile.Read(ref _queued) + Interlocked.Read(ref _journalCount));

    /// <summary>
    /// Queues one record under its stable <paramref name="id"/> (the Nats-Msg-Id is the sensor, the type and
    /// the id); never blocks. Past the cap the record is dropped, counted and logged.
    /// </summary>
    public void Enqueue(string type, string kind, string id, byte[] json)
    {
        if (Waiting >= _settings.OutboxCap)
        {
            var dropped = Interlocked.Increment(ref _dropped);
            if (dropped == 1 || dropped % 1000 == 0)
                _warn($"bus: the outbox holds its cap of {_settings.OutboxCap} records; {dropped} new records dropped so far (they are still in the other outputs)");
            return;
        }
        var subject = FleetSubjects.Of(_settings.SensorName, type, FleetSubjects.Token(kind));
        _queue.Enqueue(new OutboxMessage(subject, $"{_settings.SensorName}-{type}-{id}", json));
        Interlocked.Increment(ref _queued);
        _wake.Writer.TryWrite(true);
    }

    private async Task RunAsync()
    {
        try
        {
            await DrainAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abort.IsCancellationRequested)
        {
            // the background loop is where a broken outbox surfaces; the sensor goes on without the bus
            _warn($"bus: publishing failed ({e.Message}); nothing more is published this run");
        }
    }

    private async Task DrainAsync()
    {
        var pause = FirstRetryPause;
        while (true)
        {
            MoveQueueToJournal();
            if (_journal.Count == 0)
            {
                if (_closing.IsCancellationRequested)
                    return;
                await WaitForRecordAsync();
                continue;
            }
            if (await PumpAsync())
            {
                pause = FirstRetryPause;
                continue;
            }
            if (_abort.IsCancellationRequested)
                return;
            await PauseAsync(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxRetryPause.Ticks));
        }
    }

    /// <summary>Until a record is queued or closing starts.</summary>
    private async Task WaitForRecordAsync()
    {
        try
        {
            await _wake.Reader.ReadAsync(_closing.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A retry pause, during which what capture queues still goes to the journal as it comes (a sensor killed
    /// while the bus is away loses no more than when it is there); closing does not cut it short (the bus gets its
    /// grace), only the abort does.
    /// </summary>
    private async Task PauseAsync(TimeSpan pause)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        timer.CancelAfter(pause);
        try
        {
            while (true)
            {
                await _wake.Reader.ReadAsync(timer.Token);
                MoveQueueToJournal();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What capture queued goes to the journal in one write.</summary>
    private void MoveQueueToJournal()
    {
        _batch.Clear();
        while (_queue.TryDequeue(out var message))
            _batch.Add(message);
        _journal.Append(_batch);
        Interlocked.Exchange(ref _journalCount, _journal.Count);
        Interlocked.Add(ref _queued, -_batch.Count);
        _batch.Clear();
    }

    /// <summary>
    /// Publishes from the first unacknowledged record on, keeping up to <see cref="AckWindowSize"/> acks in
    /// flight, until all that was sent is acknowledged and nothing more waits (true) or the bus fails (false:
    /// the unacknowledged are sent again on the next try; what the stream stored already it drops as a
    /// duplicate by its Nats-Msg-Id). Records go out in order on one link, and a failed link is dropped with what
    /// it still held, so the stream stores each sensor's records in the order they were made.
    /// </summary>
    private async Task<bool> PumpAsync()
    {
        var link = await ConnectedAsync();
        if (link is null)
            return false;
        _journal.Rewind();
        _acks.Reset();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, link.Lost);
        timeout.CancelAfter(AckTimeout);
        try
        {
            while (true)
            {
                MoveQueueToJournal();
                while (!_acks.Full && _journal.TryRead(out var message, out var end))
                    await link.PublishAsync(message, _acks.Add(end), timeout.Token);
                if (TakeAcks(link) is { } refusal)
                    return await FailedAsync($"the server answered {refusal}");
                if (Acknowledge())
                    timeout.CancelAfter(AckTimeout);
                if (_acks.Count == 0)
                    return true;
                await link.WaitToReadAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
        {
            return await FailedAsync(link.IsLost ? "the connection was lost" : e is OperationCanceledException ? "no acknowledgement in time" : Describe(e));
        }
    }

    /// <summary>Marks every ack that has come; the server's reason when JetStream cannot take records now.</summary>
    private string? TakeAcks(FleetLink link)
    {
        while (link.TryRead(out var ack))
        {
            if (!_acks.IsWaiting(ack.Send))
                continue; // a late answer to a send given up on: its record was sent again
            if (ack.Outcome == AckOutcome.Unavailable)
                return ack.Reason;
            _acks.MarkDone(ack.Send);
            if (ack.Outcome == AckOutcome.Stored)
                Interlocked.Increment(ref _published);
            else
                Refused(ack);
        }
        return null;
    }

    /// <summary>A record the server refuses for itself would block every later one for ever: it is dropped, counted and logged.</summary>
    private void Refused(PublishAck ack)
    {
        Interlocked.Increment(ref _dropped);
        _warn($"bus: the server refused a record ({ack.Reason}); dropped");
    }

    /// <summary>The acknowledged prefix leaves the journal; true when there was one.</summary>
    private bool Acknowledge()
    {
        var (records, end) = _acks.Advance();
        if (records == 0)
            return false;
        _journal.Acknowledge(end, records);
        Interlocked.Exchange(ref _journalCount, _journal.Count);
        return true;
    }

    /// <summary>What was acknowledged leaves the journal; the link is dropped (the next try opens a new one and checks the stream again).</summary>
    private async Task<bool> FailedAsync(string why)
    {
        Acknowledge();
        Unavailable($"publishing stopped: {why}");
        await DropLinkAsync();
        return false;
    }

    private async Task DropLinkAsync()
    {
        if (_link is null)
            return;
        await _link.DisposeAsync();
        _link = null;
    }

    /// <summary>The link to the bus (a new one when there is none or it was lost), or null (logged) when the bus cannot be reached.</summary>
    private async Task<FleetLink?> ConnectedAsync()
    {
        if (_link is { IsLost: false })
            return _link;
        await DropLinkAsync();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
            timeout.CancelAfter(AckTimeout + _settings.Bus.ConnectTimeout);
            _link = await FleetLink.OpenAsync(_settings.Bus, AckWindowSize, timeout.Token);
            _info($"bus: connected to {_settings.Bus.Url}, publishing to stream {FleetStream.Name} as sensor {_settings.SensorName} ({_journal.Count} records waiting)");
            _down = false;
            return _link;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Unavailable(Describe(e));
            return null;
        }
    }

    /// <summary>Warns once per outage (the retries that follow are quiet until the bus is back).</summary>
    private void Unavailable(string why)
    {
        if (_down || _abort.IsCancellationRequested)
            return;
        _down = true;
        _warn($"bus: {_settings.Bus.Url} is not available ({why}); records wait in the outbox ({_journal.Count}) and go out in order when it returns");
    }

    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        return e is OperationCanceledException ? "no answer in time" : inner.Message.ReplaceLineEndings(" ");
    }

    /// <summary>
    /// Stops taking records and goes on publishing what waits while the bus takes it; after
    /// <see cref="CloseGrace"/> without progress it keeps the rest in the outbox for the next run.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _closing.CancelAsync();
        while (!_loop.IsCompleted)
        {
            var published = Published;
            if (await Task.WhenAny(_loop, Task.Delay(CloseGrace)) != _loop && Published == published)
                await _abort.CancelAsync();
        }
        await _loop; // it ends on its own (RunAsync catches what it can meet)
        MoveQueueToJournal();
        Report();
        _journal.Dispose();
        await DropLinkAsync();
        _closing.Dispose();
        _abort.Dispose();
    }

    private void Report()
    {
        _info($"bus: {Published} records published this run");
        var lost = _journal.InMemory;
        if (lost > 0)
            _warn($"bus: {lost} records could not be kept in the outbox (the disk refused them) and were not published");
        if (_journal.Count - lost > 0)
            _warn($"bus: {_journal.Count - lost} records kept in the outbox; the next run with --bus sends them first");
        if (Dropped > 0)
            _warn($"bus: {Dropped} records were not published: the outbox was full (cap {_settings.OutboxCap}) or the server refused them");
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
