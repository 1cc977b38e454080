namespace Sensor.Core.Agents;

/// <summary>
/// At most <see cref="Limit"/> probes per requester in any sliding window of <see cref="Window"/>.
/// The clock is injected so tests are exact. Thread-safe.
/// </summary>
public sealed class RateLimiter(int limit, TimeSpan window, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _spent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Limit { get; } = limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit));
    public TimeSpan Window { get; } = window > TimeSpan.Zero ? window : throw new ArgumentOutOfRangeException(nameof(window));

    /// <summary>
    /// Takes up to <paramref name="wanted"/> probes for the requester; returns how many were granted
    /// and, when fewer than wanted, when the next one frees up.
    /// </summary>
    public (int Granted, TimeSpan RetryAfter) Acquire(string requester, int wanted)
    {
        lock (_lock)
        {
            var now = _clock();
            if (!_spent.TryGetValue(requester, out var times))
                _spent[requester] = times = new Queue<DateTimeOffset>();
            while (times.Count > 0 && now - times.Peek() >= Window)
                times.Dequeue();
            var granted = Math.Max(0, Math.Min(wanted, Limit - times.Count));
            for (var i = 0; i < granted; i++)
                times.Enqueue(now);
            var retry = granted < wanted && times.Count > 0 ? times.Peek() + Window - now : TimeSpan.Zero;
            if (times.Count == 0)
                _spent.Remove(requester);
            if (_spent.Count > 10_000)
                Prune(now);
            return (granted, retry);
        }
    }

    /// <summary>Forgets requesters with nothing in the window, so a stream of one-off requesters costs no memory.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, times) in _spent.ToList())
            if (times.Count == 0 || now - times.Last() >= Window)
                _spent.Remove(key);
    }
}
