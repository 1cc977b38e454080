namespace Sensor.Core.Agents;

/// <summary>
/// Bounds the requests an agent holds at once: at most <see cref="MaxPending"/> in all and
/// <see cref="MaxPendingPerRequester"/> from one requester. A request past either bound is refused at
/// once (the flood costs a short reply, not memory), and one requester's flood cannot take the places
/// another requester needs. Thread-safe.
/// </summary>
public sealed class RequestGate(int maxPending, int maxPendingPerRequester)
{
    private readonly Dictionary<string, int> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _total;

    public int MaxPending { get; } = maxPending > 0 ? maxPending : throw new ArgumentOutOfRangeException(nameof(maxPending));
    public int MaxPendingPerRequester { get; } = maxPendingPerRequester > 0 ? maxPendingPerRequester : throw new ArgumentOutOfRangeException(nameof(maxPendingPerRequester));

    /// <summary>Null when the request may go on (call <see cref="Leave"/> when it is answered); otherwise why not.</summary>
    public string? TryEnter(string requester)
    {
        lock (_lock)
        {
            _pending.TryGetValue(requester, out var mine);
            if (mine >= MaxPendingPerRequester)
                return $"busy: {mine} requests from you are still being handled (at most {MaxPendingPerRequester}); retry when they are answered";
            if (_total >= MaxPending)
                return $"busy: {_total} requests are being handled (at most {MaxPending}); retry later";
            _pending[requester] = mine + 1;
            _total++;
            return null;
        }
    }

    public void Leave(string requester)
    {
        lock (_lock)
        {
            _total--;
            if (--_pending[requester] == 0)
                _pending.Remove(requester);
        }
    }
}
