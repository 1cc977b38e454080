using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Sensor.Cli.Service;
using Serilog;
using Serilog.Events;
using Serilog.Settings.Configuration;

namespace Sensor.Cli;

/// <summary>
/// Operational logs: warnings and errors to stderr by default; a file sink when --log-file is given.
/// A live sensor's config file may add a "Logging" section in Serilog.Settings.Configuration syntax:
/// its MinimumLevel and enrichers apply, and its WriteTo sinks replace the default stderr sink.
/// </summary>
public static class Logging
{
    private const string Template = "sensor: {Level:w}: {Message:lj}{NewLine}";

    /// <summary>The sinks a Logging:WriteTo entry may name (the Serilog sink packages this build carries).</summary>
    public static readonly IReadOnlyList<string> SinkNames = ["Console", "File"];

    public static void Configure(bool verbose, string? logFile, IConfiguration? config = null)
    {
        var logging = config?.GetSection(SettingsLoader.LoggingSection);
        var level = verbose ? LogEventLevel.Debug : LogEventLevel.Information;
        // The host's own lifecycle chatter ("Application started...") only when it is a warning.
        var setup = new LoggerConfiguration().MinimumLevel.Is(level).MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.With<TerminalSafeLogEvents>();
        if (logging?.GetSection("WriteTo").Exists() != true)
            setup = setup.WriteTo.Console(
                restrictedToMinimumLevel: verbose ? LogEventLevel.Debug : LogEventLevel.Warning,
                standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: Template);
        if (logFile is not null)
            setup = setup.WriteTo.File(logFile, outputTemplate: "{Timestamp:o} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        if (logging?.Exists() == true)
            setup = ReadSection(setup, config!);
        var previous = Log.Logger;
        Log.Logger = setup.CreateLogger();
        (previous as IDisposable)?.Dispose();
    }

    /// <summary>
    /// Flushes and closes the sinks at exit. A --log-file on a full disk fails here, at the last write:
    /// one line on stderr and exit 2, instead of an exception out of Main (the runtime's abort, 134).
    /// </summary>
    public static async Task<int> CloseAsync(int exitCode)
    {
        try
        {
            await Log.CloseAndFlushAsync();
            return exitCode;
        }
        catch (IOException e)
        {
            return LastResort.Report($"cannot write the log file: {e.Message}");
        }
    }

    // Serilog.Settings.Configuration finds each sink's WriteTo method by reflection: trimming (Native AOT) keeps them for it.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(ConsoleLoggerConfigurationExtensions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(FileLoggerConfigurationExtensions))]
    private static LoggerConfiguration ReadSection(LoggerConfiguration setup, IConfiguration config)
    {
        var options = new ConfigurationReaderOptions(
            typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(FileLoggerConfigurationExtensions).Assembly)
        {
            SectionName = SettingsLoader.LoggingSection,
        };
        try
        {
            return setup.ReadFrom.Configuration(config, options);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or InvalidCastException)
        {
            throw new ConfigException($"{SettingsLoader.LoggingSection}: {e.Message}");
        }
    }
}
