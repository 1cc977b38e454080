using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Serilog;

namespace Sensor.Cli.Service;

/// <summary>
/// Runs an opened <see cref="LiveRuntime"/> on Microsoft.Extensions.Hosting until SIGINT/SIGTERM (or capture
/// stops): the capture, the signals (rule reload on SIGHUP and on rule file changes), and the periodic stats line.
/// Under systemd (NOTIFY_SOCKET set, Type=notify) it reports READY=1 once capture runs and STOPPING=1
/// when asked to stop; the host's logs go to Serilog.
/// </summary>
public static class LiveHost
{
    /// <summary>Within systemd's TimeoutStopSec (30 s in deploy/sensor.service): the time to end every flow and flush.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <param name="onStarted">called once capture runs and the signal handlers are in place</param>
    public static int Run(LiveRuntime runtime, Action onStarted)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "sensor" });
        builder.Services.AddSerilog();
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        if (UnderServiceManager())
        {
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton<CaptureService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CaptureService>());
        builder.Services.AddHostedService<SignalService>();
        builder.Services.AddHostedService<StatsReporter>();
        builder.Services.AddHostedService<RetentionService>();
        using var host = builder.Build();
        var capture = host.Services.GetRequiredService<CaptureService>();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(onStarted);
        host.Run();
        // A bug in the capture (not bad input, which is exit 2) must not end as a clean exit 0.
        capture.ExecuteTask?.GetAwaiter().GetResult();
        return capture.ExitCode;
    }

    /// <summary>
    /// sd_notify's own rule: notify when NOTIFY_SOCKET is set. (AddSystemd() also wants systemd as the
    /// parent process, which misses `systemd-run --pipe` wrappers and a test's socket.)
    /// </summary>
    private static bool UnderServiceManager() => Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 };
}
