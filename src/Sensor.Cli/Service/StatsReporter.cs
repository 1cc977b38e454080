using Microsoft.Extensions.Hosting;
using Sensor.Core.Metrics;
using Serilog;

namespace Sensor.Cli.Service;

/// <summary>Every Metrics:StatsInterval while the sensor runs: the stats line in the log (Information) and the stats record in the JSON Lines outputs.</summary>
public sealed class StatsReporter(LiveRuntime runtime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = runtime.Settings.Metrics.StatsInterval;
        if (interval <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Log.Information("{Stats}", StatsLine.Format(runtime.Sensor.Snapshot()));
                runtime.WriteStats();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
