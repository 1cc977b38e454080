using Microsoft.Extensions.Hosting;
using Sensor.Core.Capture;
using Serilog;

namespace Sensor.Cli.Service;

/// <summary>
/// The capture itself: runs the live sensor on its own threads until the host stops it, which ends every
/// open flow (their sessions and findings are reported) and commits the store; if capture stops by
/// itself (an interface went away) it stops the host with exit 2.
/// </summary>
public sealed class CaptureService(LiveRuntime runtime, IHostApplicationLifetime lifetime) : BackgroundService
{
    public int ExitCode { get; private set; } = ExitCodes.Ok;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Capture(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Capture(CancellationToken stoppingToken)
    {
        try
        {
            var runs = Run(stoppingToken);
            runtime.Store?.Flush();
            Report(runs, stoppingToken.IsCancellationRequested);
        }
        catch (Exception e) when (e is CaptureException or IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            Log.Error("live capture stopped: {Message}", e.Message);
            ExitCode = ExitCodes.BadInput;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private IReadOnlyList<(string Interface, LiveCaptureResult Result)> Run(CancellationToken token)
    {
        try
        {
            return runtime.Sensor.Run(token);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    private void Report(IReadOnlyList<(string Interface, LiveCaptureResult Result)> runs, bool stopped)
    {
        foreach (var (name, run) in runs)
        {
            Log.Information("{Interface}: {Packets} packets, {Bytes} bytes, {KernelDropped} dropped by the kernel, {InterfaceDropped} by the interface",
                name, run.Packets, run.Bytes, run.KernelDropped, run.InterfaceDropped);
            foreach (var warning in run.Warnings)
                Log.Information("{Interface}: {Warning}", name, warning);
            if (run.StoppedBy is { } why && !stopped)
            {
                Log.Error("capture on {Interface} stopped: {Why}", name, why);
                ExitCode = ExitCodes.BadInput;
            }
        }
        var stats = runtime.Sensor.Snapshot();
        Log.Information("{Sessions} sessions, {Findings} findings; {SensorDropped} frames dropped by the sensor (queues full), {FlowsEvicted} flows evicted at the memory budget",
            stats.Sessions, stats.Findings, stats.SensorDropped, stats.FlowsEvicted);
    }
}
