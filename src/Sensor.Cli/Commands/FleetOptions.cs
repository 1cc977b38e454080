using System.CommandLine;
using Sensor.Core.Fleet;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>
/// Fleet mode's options on `sensor live` and `sensor replay`: the bus and its credentials (the agent's
/// <see cref="BusOptions"/>), the sensor's name and the outbox cap.
/// </summary>
public static class FleetOptions
{
    private static readonly BusOptions Bus = new();
    private static readonly Option<string?> SensorName = new("--sensor-name") { Description = "this sensor's name on the bus (1-64 of A-Z a-z 0-9 - _; default: the host name)" };
    private static readonly Option<int> OutboxCap = new("--bus-outbox-max")
    {
        Description = $"records kept on disk while the bus is away (default {FleetSettings.DefaultOutboxCap}); past it new records are dropped and counted",
        DefaultValueFactory = _ => FleetSettings.DefaultOutboxCap,
    };

    public static void AddTo(Command command)
    {
        foreach (var option in Bus.All)
            command.Options.Add(option);
        command.Options.Add(SensorName);
        command.Options.Add(OutboxCap);
    }

    /// <summary>The fleet settings when --bus was given, else null; a UsageException for a bad combination.</summary>
    public static FleetSettings? Read(ParseResult result, string? dbPath, bool showSecrets)
    {
        if (result.GetValue(Bus.Bus) is null)
            return null;
        if (showSecrets)
            throw new UsageException("--show-secrets does not go with --bus: secrets never leave this machine over the bus");
        var name = result.GetValue(SensorName) ?? FleetSubjects.DefaultSensorName();
        if (!FleetSubjects.IsValidName(name))
            throw new UsageException($"--sensor-name takes 1-64 letters, digits, '-' or '_', not '{name}'");
        var cap = result.GetValue(OutboxCap);
        if (cap is < 1 or > 10_000_000)
            throw new UsageException("--bus-outbox-max takes 1 to 10000000 records");
        var bus = Bus.Read(result, $"sensor-{name}", TimeSpan.FromSeconds(5));
        // beside the store (or in the default data folder with --no-db), like the fingerprint key
        var folder = Path.GetDirectoryName(Path.GetFullPath(dbPath ?? SensorStore.DefaultPath()))!;
        return new FleetSettings(bus, name, folder, cap);
    }

    /// <summary>Starts publishing; an outbox that cannot be opened is one line and exit 2.</summary>
    public static FleetPublisher? Start(FleetSettings? settings)
    {
        if (settings is null)
            return null;
        try
        {
            return FleetPublisher.Start(settings, line => Log.Information("{Line}", line), line => Log.Warning("{Line}", line));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            throw new UsageException($"cannot open the bus outbox in {settings.OutboxFolder}: {e.Message}");
        }
    }
}
