namespace Sensor.Core.Survey;

/// <summary>
/// Politeness towards one server: at most <c>perDestination</c> connections at once to the same
/// address. Slots of addresses nobody uses are forgotten.
/// </summary>
public sealed class DestinationLimiter(int perDestination)
{
    private sealed class Slot(int count)
    {
        public readonly SemaphoreSlim Gate = new(count);
        public int Users;
    }

    private readonly Dictionary<string, Slot> _slots = new(StringComparer.OrdinalIgnoreCase);

    public int PerDestination { get; } = perDestination > 0 ? perDestination : throw new ArgumentOutOfRangeException(nameof(perDestination));

    /// <summary>Addresses with a slot now (held or waited for).</summary>
    public int Tracked { get { lock (_slots) return _slots.Count; } }

    /// <summary>Waits for a slot at the destination; dispose the result to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(string destination, CancellationToken token)
    {
        Slot slot;
        lock (_slots)
        {
            if (!_slots.TryGetValue(destination, out slot!))
                _slots[destination] = slot = new Slot(PerDestination);
            slot.Users++;
        }
        try
        {
            await slot.Gate.WaitAsync(token);
        }
        catch
        {
            Leave(destination, slot, release: false);
            throw;
        }
        return new Lease(this, destination, slot);
    }

    private void Leave(string destination, Slot slot, bool release)
    {
        if (release)
            slot.Gate.Release();
        lock (_slots)
        {
            if (--slot.Users == 0)
                _slots.Remove(destination);
        }
    }

    private sealed class Lease(DestinationLimiter owner, string destination, Slot slot) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Leave(destination, slot, release: true);
        }
    }
}
