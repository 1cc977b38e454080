using Serilog;
using Serilog.Events;

namespace Sensor.Cli;

/// <summary>Operational logs: warnings and errors to stderr by default; a file sink when --log-file is given.</summary>
public static class Logging
{
    public static void Configure(bool verbose, string? logFile)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Console(
                restrictedToMinimumLevel: verbose ? LogEventLevel.Debug : LogEventLevel.Warning,
                standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: "sensor: {Level:w}: {Message:lj}{NewLine}");
        if (logFile is not null)
            config = config.WriteTo.File(logFile, outputTemplate: "{Timestamp:o} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        Log.Logger = config.CreateLogger();
    }
}
