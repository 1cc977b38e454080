using System.Runtime.InteropServices;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;

namespace Sensor.Cli.Service;

/// <summary>
/// SIGHUP reloads the rules and reopens the JSON Lines file (logrotate's postrotate convention); a change to
/// a rule or policy file reloads the rules too, once the writes have settled. A reload that fails keeps
/// the rules in force (<see cref="LiveRuntime.ReloadRules"/>). SIGINT stops the sensor like SIGTERM
/// whichever lifetime runs it (systemd's handles only SIGTERM; Ctrl+C in `systemd-run --pty` must flush too).
/// </summary>
public sealed class SignalService(LiveRuntime runtime, IHostApplicationLifetime lifetime) : IHostedService, IDisposable
{
    /// <summary>Editors and `cp` write a file in several steps: reload once they have been quiet this long.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    private readonly List<IDisposable> _watches = [];
    private PosixSignalRegistration? _hangup;
    private PosixSignalRegistration? _interrupt;
    private Timer? _settle;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true; // stopped by the host, after the flush
            lifetime.StopApplication();
        });
        if (runtime.Settings.Rules.Watch)
            WatchRuleFiles();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true; // SIGHUP would end the process
        runtime.ReloadRules("SIGHUP");
        runtime.JsonlFile?.Reopen();
    }

    private void WatchRuleFiles()
    {
        _settle = new Timer(_ => runtime.ReloadRules("rule file changed"));
        foreach (var folder in runtime.RuleSources.Files.Select(Path.GetFullPath).GroupBy(Path.GetDirectoryName))
        {
            var files = new PhysicalFileProvider(folder.Key!);
            _watches.Add(files);
            foreach (var file in folder)
                _watches.Add(ChangeToken.OnChange(() => files.Watch(Path.GetFileName(file)), () => _settle.Change(Settle, Timeout.InfiniteTimeSpan)));
        }
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _interrupt?.Dispose();
        foreach (var watch in _watches)
            watch.Dispose();
        _settle?.Dispose();
    }
}
