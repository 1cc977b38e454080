using System.Collections.Concurrent;
using System.Threading.Channels;
using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.CrossCheck;

/// <summary>Bounds of probing on the fly (`--crosscheck`).</summary>
public sealed record OnTheFlySettings
{
    /// <summary>A server:port is probed from one vantage at most once within this time; a stored result this fresh is reused.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Probes running at once, over all vantages.</summary>
    public int MaxConcurrent { get; init; } = 4;
    /// <summary>Probes waiting for a slot; past that a request is dropped (counted), never waited for.</summary>
    public int MaxQueued { get; init; } = 256;
    /// <summary>Servers followed per vantage; past that new servers are not probed (counted).</summary>
    public int MaxServers { get; init; } = 10_000;
    /// <summary>Bound on one probe job, the trip to an agent included.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>At the end of a capture, how long to wait for probes still running or queued.</summary>
    public TimeSpan EndWait { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>What probing on the fly did: for the log and the tests.</summary>
public sealed record OnTheFlyStats(int Probed, int CacheHits, int StoreHits, int Dropped, int Unanswered);

/// <summary>
/// Probes the servers the capture raised questions about NOW, from every configured vantage, on a
/// bounded queue with a fixed number of workers, so capture processing never waits for a probe.
/// A (vantage, protocol, server) is probed at most once per TTL, and not at all when the store
/// holds an answer from that vantage younger than the TTL. <see cref="Settle"/> waits a bounded time
/// at the end; what is still unanswered then becomes a timeout record, so a verdict never hangs on
/// a vantage that is down or slow.
/// </summary>
public sealed class OnTheFlyProber : IDisposable
{
    /// <summary>The outcome of a record for a vantage that could not be asked (agent not answering, bus down).</summary>
    public const string VantageUnavailable = ProbeOutcome.VantageUnavailable;

    private readonly IReadOnlyList<IProbeVantage> _vantages;
    private readonly OnTheFlySettings _settings;
    private readonly TimeProvider _clock;
    private readonly Channel<Job> _queue;
    private readonly Task[] _workers;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Vantage, string Protocol, string Server), Entry> _entries = new();
    private readonly ConcurrentQueue<ProbeRecord> _answered = new();
    private int _probed, _cacheHits, _storeHits, _dropped, _unanswered;
    private volatile bool _settled;
    private DateTime _lastPrune = DateTime.MinValue;

    public OnTheFlyProber(IReadOnlyList<IProbeVantage> vantages, OnTheFlySettings settings, TimeProvider clock)
    {
        (_vantages, _settings, _clock) = (vantages, settings, clock);
        _queue = Channel.CreateBounded<Job>(new BoundedChannelOptions(settings.MaxQueued) { FullMode = BoundedChannelFullMode.Wait });
        _workers = [.. Enumerable.Range(0, settings.MaxConcurrent).Select(_ => Task.Run(WorkAsync))];
    }

    public IReadOnlyList<string> Vantages => [.. _vantages.Select(v => v.Name)];

    public OnTheFlyStats Stats => new(_probed, _cacheHits, _storeHits, _dropped, _unanswered);

    /// <summary>Probes queued and not yet taken by a worker.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>
    /// Asks every vantage to probe this server, unless it did within the TTL or <paramref name="stored"/>
    /// holds a result of it from that vantage that young. Never blocks: a full queue drops the request.
    /// </summary>
    public void Request(ServerToProbe server, IEnumerable<ProbeRecord> stored)
    {
        if (_settled)
            return;
        var now = _clock.GetUtcNow().UtcDateTime;
        foreach (var vantage in _vantages)
        {
            var key = (vantage.Name, server.Protocol, server.Server);
            if (_entries.TryGetValue(key, out var known) && now - known.RequestedUtc < _settings.Ttl)
            {
                Interlocked.Increment(ref _cacheHits);
                continue;
            }
            if (stored.Any(r => IsFreshFrom(r, vantage.Name, server, now)))
            {
                Interlocked.Increment(ref _storeHits);
                continue;
            }
            if (known is null && IsFull(now))
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }
            var entry = new Entry(now);
            if (!_queue.Writer.TryWrite(new Job(vantage, server, entry)))
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }
            _entries[key] = entry;
        }
    }

    /// <summary>
    /// Whether no further server can be followed. A long live capture forgets answered entries older than
    /// the TTL (they would be probed again anyway) at most once a minute, so the bound never freezes it.
    /// </summary>
    private bool IsFull(DateTime now)
    {
        if (_entries.Count < _settings.MaxServers * _vantages.Count)
            return false;
        if (now - _lastPrune >= TimeSpan.FromMinutes(1))
        {
            _lastPrune = now;
            foreach (var (key, entry) in _entries)
                if (entry.Records is not null && now - entry.RequestedUtc >= _settings.Ttl)
                    _entries.TryRemove(key, out _);
        }
        return _entries.Count >= _settings.MaxServers * _vantages.Count;
    }

    /// <summary>The answers so far for this server from every vantage (after <see cref="Settle"/>, a timeout record for each one that never came).</summary>
    public IEnumerable<ProbeRecord> ResultsFor(ServerToProbe server)
    {
        foreach (var vantage in _vantages)
            if (_entries.TryGetValue((vantage.Name, server.Protocol, server.Server), out var entry))
            {
                if (entry.Records is { } records)
                    foreach (var record in records)
                        yield return record;
                else if (_settled)
                    yield return server.Unanswered(vantage.Name, _clock.GetUtcNow().UtcDateTime, ProbeOutcome.Timeout,
                        $"no answer before the cross-check stopped waiting ({_settings.EndWait.TotalSeconds:0} s after the end of the capture)");
            }
    }

    /// <summary>
    /// Stops taking requests and waits up to <see cref="OnTheFlySettings.EndWait"/> for the probes queued
    /// or running, then cancels the rest. Returns the records the vantages answered, for the store.
    /// </summary>
    public IReadOnlyList<ProbeRecord> Settle()
    {
        if (!_settled)
        {
            _settled = true;
            _queue.Writer.TryComplete();
            var all = Task.WhenAll(_workers);
            if (!all.Wait(_settings.EndWait))
            {
                _stop.Cancel();
                all.Wait(TimeSpan.FromSeconds(5));
            }
        }
        var answered = new List<ProbeRecord>();
        while (_answered.TryDequeue(out var record))
            answered.Add(record);
        return answered;
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(_stop.Token))
                job.Entry.Records = await RunAsync(job);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task<IReadOnlyList<ProbeRecord>> RunAsync(Job job)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        bound.CancelAfter(_settings.ProbeTimeout);
        var now = () => _clock.GetUtcNow().UtcDateTime;
        try
        {
            var records = await job.Vantage.ProbeAsync(job.Server, bound.Token);
            Interlocked.Increment(ref _probed);
            foreach (var record in records)
                _answered.Enqueue(record);
            return records;
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _unanswered);
            var why = _stop.IsCancellationRequested
                ? $"no answer before the cross-check stopped waiting ({_settings.EndWait.TotalSeconds:0} s after the end of the capture)"
                : $"no answer within the cross-check's bound on one probe ({_settings.ProbeTimeout.TotalSeconds:0} s)";
            return [job.Server.Unanswered(job.Vantage.Name, now(), ProbeOutcome.Timeout, why)];
        }
        catch (Exception e)
        {
            // A vantage that cannot be asked is an answer too ("inconclusive"), never a dead worker.
            Interlocked.Increment(ref _unanswered);
            return [job.Server.Unanswered(job.Vantage.Name, now(), VantageUnavailable, e.Message)];
        }
    }

    /// <summary>A stored answer (TLS or no STARTTLS) from this vantage younger than the TTL; a stored failure or refusal is asked again.</summary>
    private bool IsFreshFrom(ProbeRecord record, string vantage, ServerToProbe server, DateTime now) =>
        string.Equals(record.Vantage, vantage, StringComparison.OrdinalIgnoreCase) && record.Server == server.Server
        && ProbeConsensus.Classify(record) != ProbeView.Failed
        && ProbeConsensus.ParseTs(record.Ts) is { } ts && now - ts < _settings.Ttl;

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        try
        {
            Task.WhenAll(_workers).Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }

    private sealed record Job(IProbeVantage Vantage, ServerToProbe Server, Entry Entry);

    private sealed class Entry(DateTime requestedUtc)
    {
        public DateTime RequestedUtc { get; } = requestedUtc;
        public volatile IReadOnlyList<ProbeRecord>? Records;
    }
}
