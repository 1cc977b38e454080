using Microsoft.Extensions.Hosting;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Service;

/// <summary>
/// With Storage:Keep (--keep): prunes the store of records older than that at start and then every
/// <see cref="Every"/> of the keep time (at least a minute, at most an hour), so the store holds about
/// Keep and a tenth more at its fullest (docs/store.md).
/// </summary>
public sealed class RetentionService(LiveRuntime runtime) : BackgroundService
{
    public static TimeSpan Every(TimeSpan keep) => TimeSpan.FromTicks(Math.Clamp(keep.Ticks / 10, TimeSpan.TicksPerMinute, TimeSpan.TicksPerHour));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (runtime.Settings.Storage.Keep is not { } keep || runtime.Store is not { } store)
            return;
        using var timer = new PeriodicTimer(Every(keep));
        try
        {
            do
                Prune(store, keep);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private static void Prune(SensorStore store, TimeSpan keep)
    {
        try
        {
            var deleted = store.Prune(DateTime.UtcNow - keep);
            if (deleted.Values.Sum() > 0)
                Log.Information("store pruned of records older than {Keep}: {Deleted}", keep,
                    string.Join(", ", SensorStore.Collections.Select(c => $"{deleted[c]} {c}")));
        }
        catch (Exception e) when (e is StoreException or IOException or LiteDB.LiteException)
        {
            Log.Error("store not pruned: {Message}", e.Message);
        }
    }
}
