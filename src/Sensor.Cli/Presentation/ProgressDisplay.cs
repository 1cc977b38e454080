using System.Runtime.ExceptionServices;
using Sensor.Core.Capture;
using Spectre.Console;

namespace Sensor.Cli.Presentation;

/// <summary>A progress bar on stderr while a large capture is read (only when stderr is a terminal).</summary>
public static class ProgressDisplay
{
    /// <summary>Below this, a replay is over before a bar would help.</summary>
    public const long MinimumBytes = 32L * 1024 * 1024;

    public static T Run<T>(CaptureProgress progress, Func<T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = "replay" };
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("replaying", maxValue: 1.0);
                worker.Start();
                while (!worker.Join(100))
                    task.Value = progress.Fraction;
                task.Value = 1.0;
            });
        failure?.Throw();
        return result;
    }
}
