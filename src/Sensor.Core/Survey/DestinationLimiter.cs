namespace Sensor.Core.Survey;

/// <summary>
/// Politeness towards one server: at most <c>perDestination</c> connections at once to the same
/// address. A caller holding several addresses (a domain's MX hosts) takes them in a fixed order,
/// so two callers cannot wait on each other. Slots of addresses nobody uses are forgotten.
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

    /// <summary>Waits for a slot at each destination; dispose the result to give them back.</summary>
    public async Task<IDisposable> AcquireAsync(IEnumerable<string> destinations, CancellationToken token)
    {
        var keys = destinations.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var held = new List<(string, Slot)>();
        try
        {
            foreach (var key in keys)
            {
                Slot slot;
                lock (_slots)
                {
                    if (!_slots.TryGetValue(key, out slot!))
                        _slots[key] = slot = new Slot(PerDestination);
                    slot.Users++;
                }
                try
                {
                    await slot.Gate.WaitAsync(token);
                }
                catch
                {
                    Leave(key, slot, release: false);
                    throw;
                }
                held.Add((key, slot));
            }
        }
        catch
        {
            Release(held);
            throw;
        }
        return new Lease(this, held);
    }

    private void Release(List<(string Key, Slot Slot)> held)
    {
        foreach (var (key, slot) in held)
            Leave(key, slot, release: true);
        held.Clear();
    }

    private void Leave(string key, Slot slot, bool release)
    {
        if (release)
            slot.Gate.Release();
        lock (_slots)
        {
            if (--slot.Users == 0)
                _slots.Remove(key);
        }
    }

    private sealed class Lease(DestinationLimiter owner, List<(string, Slot)> held) : IDisposable
    {
        public void Dispose()
        {
            lock (held)
                owner.Release(held);
        }
    }
}
