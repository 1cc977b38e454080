using Sensor.Core.Output;

namespace Sensor.Cli;

/// <summary>
/// The process-wide guard: an exception no command caught, on the main thread or any other, is one
/// line on stderr and exit 2 (bad input is what reaches it in practice), never a stack trace, never
/// exit 1 (that is --fail-on's) and never the runtime's abort (134).
/// </summary>
public static class LastResort
{
    public static void Install() =>
        AppDomain.CurrentDomain.UnhandledException += (_, e) => Environment.Exit(Report(e.ExceptionObject as Exception));

    /// <summary>Says what escaped, in one line, and returns the exit code for it.</summary>
    public static int Report(Exception? e) =>
        Report($"stopped by an unexpected {(e is null ? "error" : $"{e.GetType().Name}: {e.Message}")}");

    /// <summary>One error line on stderr, written directly (the loggers may be what failed); returns exit 2.</summary>
    public static int Report(string error)
    {
        try
        {
            Console.Error.WriteLine($"sensor: error: {TerminalText.Escape(error)}");
            Console.Error.Flush();
        }
        catch (IOException)
        {
            // stderr itself is gone: the exit code is all that is left to say it.
        }
        return ExitCodes.BadInput;
    }
}
