using System.Collections.Concurrent;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Sensor.Core.Agents;

namespace Sensor.Core.Fleet;

/// <summary>How a sensor publishes to the fleet bus.</summary>
public sealed record FleetSettings(NatsOpts Bus, string SensorName, string OutboxFolder, int OutboxCap = FleetSettings.DefaultOutboxCap)
{
    /// <summary>Records waiting for the bus at most (about 1-2 KB each on disk); past it new records are dropped and counted.</summary>
    public const int DefaultOutboxCap = 100_000;
}

/// <summary>
/// Sends a sensor's records to JetStream without ever making capture wait for the bus.
/// <see cref="Enqueue"/> only queues in memory; one background loop moves the queue into the on-disk
/// <see cref="FleetOutbox"/> and publishes from it oldest first, in ordered batches, each record with its
/// Nats-Msg-Id, removing a record only once JetStream acknowledged it. While the bus is away the loop
/// retries with a growing pause (up to 30 s), and the outbox (capped) keeps what waits.
/// </summary>
public sealed class FleetPublisher : IAsyncDisposable, IDisposable
{
    public const int BatchSize = 256;
    public static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan FirstRetryPause = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxRetryPause = TimeSpan.FromSeconds(30);

    /// <summary>How long closing waits for the bus to take another record before leaving the rest for the next run.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly FleetSettings _settings;
    private readonly Action<string> _info;
    private readonly Action<string> _warn;
    private FleetOutbox _outbox;
    // The outbox file, once it could not be written: what it holds stays for the next run.
    private FleetOutbox? _unwritable;
    private string? _unwritableWhy;
    private readonly ConcurrentQueue<OutboxMessage> _queue = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly string _runId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    private readonly Task _loop;
    private long _counter;
    private int _queued;
    private long _dropped;
    private long _published;
    private int _outboxCount;
    private NatsConnection? _nats;
    private NatsJSContext? _js;
    private bool _disposed;
    private bool _down;

    private FleetPublisher(FleetSettings settings, FleetOutbox outbox, Action<string> info, Action<string> warn)
    {
        _settings = settings;
        _outbox = outbox;
        _info = info;
        _warn = warn;
        _outboxCount = outbox.Count;
        if (outbox.Count > 0)
            info($"bus: {outbox.Count} records from an earlier run wait in the outbox; they go first");
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Opens the outbox (an IOException or LiteDB.LiteException when it cannot) and starts publishing;
    /// <paramref name="info"/> hears of connections, <paramref name="warn"/> of an absent bus and of drops.
    /// </summary>
    public static FleetPublisher Start(FleetSettings settings, Action<string> info, Action<string> warn) =>
        new(settings, FleetOutbox.Open(settings.OutboxFolder, settings.SensorName), info, warn);

    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Records JetStream acknowledged this run.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Records made and not yet acknowledged by the bus (in memory and in the outbox).</summary>
    public int Waiting => Volatile.Read(ref _queued) + Volatile.Read(ref _outboxCount);

    /// <summary>Queues one record; never blocks. Past the cap the record is dropped, counted and logged.</summary>
    public void Enqueue(string type, string kind, byte[] json)
    {
        if (Waiting >= _settings.OutboxCap)
        {
            var dropped = Interlocked.Increment(ref _dropped);
            if (dropped == 1 || dropped % 1000 == 0)
                _warn($"bus: the outbox holds its cap of {_settings.OutboxCap} records; {dropped} new records dropped so far (they are still in the other outputs)");
            return;
        }
        var subject = FleetSubjects.Of(_settings.SensorName, type, FleetSubjects.Token(kind));
        var id = $"{_settings.SensorName}-{_runId}-{Interlocked.Increment(ref _counter)}";
        _queue.Enqueue(new OutboxMessage { Subject = subject, MsgId = id, Data = json });
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
            // the background loop is where a broken outbox (disk full, say) surfaces; the sensor goes on without the bus
            _warn($"bus: publishing failed ({e.Message}); nothing more is published this run");
        }
    }

    private async Task DrainAsync()
    {
        var pause = FirstRetryPause;
        while (true)
        {
            MoveQueueToOutbox();
            if (_outbox.Count == 0)
            {
                if (_closing.IsCancellationRequested)
                    return;
                await WaitForRecordAsync();
                continue;
            }
            if (await SendBatchAsync())
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

    /// <summary>A retry pause; closing does not cut it short (the bus gets its grace), only the abort does.</summary>
    private async Task PauseAsync(TimeSpan pause)
    {
        try
        {
            await Task.Delay(pause, _abort.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void MoveQueueToOutbox()
    {
        var batch = new List<OutboxMessage>();
        while (_queue.TryDequeue(out var message))
            batch.Add(message);
        try
        {
            _outbox.Append(batch);
        }
        catch (Exception e) when (_unwritable is null && e is IOException or LiteDB.LiteException)
        {
            // A full disk: the batch (not appended, the insert rolled back) goes on from memory.
            GoOnFromMemory(e, batch);
        }
        Interlocked.Add(ref _queued, -batch.Count);
        Volatile.Write(ref _outboxCount, _outbox.Count);
    }

    /// <summary>Takes what the stream acknowledged out of the outbox; a disk too full to delete from sends the rest on from memory.</summary>
    private void RemoveAcknowledged(long done)
    {
        try
        {
            _outbox.RemoveThrough(done);
        }
        catch (Exception e) when (_unwritable is null && e is IOException or LiteDB.LiteException)
        {
            // The delete rolled back and the file can no longer be read this run: it keeps every record it held (the
            // next run sends them first; the acknowledged ones again, which the stream deduplicates), new ones go from memory.
            GoOnFromMemory(e, []);
        }
        Volatile.Write(ref _outboxCount, _outbox.Count);
    }

    /// <summary>The outbox's file cannot be written: <paramref name="pending"/> and what follows go to the bus from memory.</summary>
    private void GoOnFromMemory(Exception e, List<OutboxMessage> pending)
    {
        _unwritable = _outbox;
        _unwritableWhy = e.Message;
        _outbox = FleetOutbox.InMemory();
        _outbox.Append(pending);
        _warn($"bus: the outbox cannot be written ({e.Message}); records go to the bus from memory this run, and those it has not taken at the end are lost");
    }

    /// <summary>
    /// Publishes the oldest batch; false when the bus failed (what was acknowledged is gone from the
    /// outbox, the rest is retried). The batch is written in order on the one connection, so the
    /// stream stores it in order, and acks are awaited in the same order: only an acknowledged prefix
    /// leaves the outbox. Re-sending the rest is harmless: what was stored already is a duplicate
    /// by its Nats-Msg-Id. A record the server refuses for itself (too large, say) would block every
    /// later one for ever: it is dropped, counted and logged.
    /// </summary>
    private async Task<bool> SendBatchAsync()
    {
        var js = await ConnectedAsync();
        if (js is null)
            return false;
        long done = -1;
        Exception? failure = null;
        var sent = new List<(OutboxMessage Message, NatsJSPublishConcurrentFuture Ack)>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        timeout.CancelAfter(AckTimeout);
        try
        {
            foreach (var message in _outbox.Oldest(BatchSize))
                sent.Add((message, await js.PublishConcurrentAsync(message.Subject, message.Data,
                    opts: new NatsJSPubOpts { MsgId = message.MsgId }, cancellationToken: timeout.Token)));
            foreach (var (message, ack) in sent)
            {
                if (Acknowledged(message, await ack.GetResponseAsync()))
                    Interlocked.Increment(ref _published);
                done = message.Id;
            }
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
        {
            failure = e;
        }
        finally
        {
            foreach (var (_, ack) in sent)
                await ack.DisposeAsync();
        }
        if (done >= 0)
            RemoveAcknowledged(done);
        if (failure is null)
            return true;
        Unavailable($"publishing stopped: {Describe(failure)}");
        _js = null; // check the stream again once the bus answers
        return false;
    }

    /// <summary>True when JetStream stored it (or had it already: a retry after a lost ack), false when it refused this record.</summary>
    private bool Acknowledged(OutboxMessage message, PubAckResponse ack)
    {
        try
        {
            ack.EnsureSuccess();
            return true;
        }
        catch (NatsJSDuplicateMessageException)
        {
            return true; // stored by an earlier send whose ack was lost
        }
        catch (NatsJSApiException e) when (e.Error.Code is >= 400 and < 500 and not 404 and not 408)
        {
            Interlocked.Increment(ref _dropped);
            _warn($"bus: the server refused record {message.MsgId} on {message.Subject} ({e.Error.Description}); dropped");
            return false;
        }
    }

    /// <summary>The JetStream context once the bus is connected and the stream exists, or null (logged) when it is not.</summary>
    private async Task<NatsJSContext?> ConnectedAsync()
    {
        if (_js is not null && _nats?.ConnectionState == NatsConnectionState.Open)
            return _js;
        if (_nats is not null && _nats.ConnectionState != NatsConnectionState.Open)
        {
            Unavailable("the connection was lost; the client reconnects");
            return null;
        }
        try
        {
            _nats ??= await AgentBus.ConnectAsync(_settings.Bus, _abort.Token);
            var js = new NatsJSContext(_nats);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
            timeout.CancelAfter(AckTimeout);
            await FleetStream.EnsureAsync(js, timeout.Token);
            _info($"bus: connected to {_settings.Bus.Url}, publishing to stream {FleetStream.Name} as sensor {_settings.SensorName} ({_outbox.Count} records waiting)");
            _down = false;
            return _js = js;
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
        _warn($"bus: {_settings.Bus.Url} is not available ({why}); records wait in the outbox ({_outbox.Count}) and go out in order when it returns");
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
        try
        {
            MoveQueueToOutbox();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            _warn($"bus: {_queue.Count} records could not be kept in the outbox: {e.Message}");
        }
        _info($"bus: {Published} records published this run");
        var kept = _unwritable ?? _outbox;
        if (_unwritable is not null && _outbox.Count > 0)
            _warn($"bus: {_outbox.Count} records could not be kept in the outbox ({_unwritableWhy}) and were not published");
        if (kept.Count > 0)
            _warn($"bus: {kept.Count} records kept in the outbox; the next run with --bus sends them first");
        if (Dropped > 0)
            _warn($"bus: {Dropped} records were not published: the outbox was full (cap {_settings.OutboxCap}) or the server refused them");
        _outbox.Dispose();
        Close(_unwritable);
        if (_nats is not null)
            await _nats.DisposeAsync();
        _closing.Dispose();
        _abort.Dispose();
    }

    /// <summary>Closes the outbox file that failed; closing writes too, and the disk is still full.</summary>
    private static void Close(FleetOutbox? outbox)
    {
        try
        {
            outbox?.Dispose();
        }
        catch (Exception e) when (e is IOException or LiteDB.LiteException)
        {
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
