using System.CommandLine;
using Sensor.Cli.Commands.Options;
using Sensor.Cli.Service;
using Sensor.Core.Fleet;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>
/// Fleet mode's options on `sensor live` and `sensor replay`: the sensor's name and the outbox cap;
/// the bus and its credentials are the command's one <see cref="BusOptions"/> (shared with --crosscheck --via).
/// </summary>
public static class FleetOptions
{
    private static readonly Option<string?> SensorName = new Option<string?>("--sensor-name") { Description = "this sensor's name on the bus (1-64 of A-Z a-z 0-9 - _; default: the host name)", HelpName = "NAME" }
        .Checked(name => FleetSubjects.IsValidName(name) ? null : NameProblem("--sensor-name", name));
    private static readonly Option<int?> OutboxCap = TypedOptions.Count("--bus-outbox-max",
        $"records kept on disk while the bus is away (default {FleetSettings.DefaultOutboxCap}); past it new records are dropped and counted", 1, 10_000_000);

    private static readonly Option<bool> Publish = new("--publish") { Description = "with --bus and --crosscheck --via: also publish the records (fleet mode); --bus without --via publishes anyway" };

    public static void AddTo(Command command)
    {
        command.Options.Add(SensorName);
        command.Options.Add(OutboxCap);
        command.Options.Add(Publish);
    }

    /// <summary>
    /// The fleet settings when the records are to be published, else null; a UsageException for a bad
    /// combination. --bus publishes unless it is there for the --via agents (then --publish says so too);
    /// a live sensor's config file says Fleet:Publish. Options on the command line win over the file's keys.
    /// </summary>
    public static FleetSettings? Read(ParseResult result, CrossCheckCli crossCheck, string? dbPath, bool showSecrets,
        FleetPublishSettings? config = null, BusSettings? configBus = null)
    {
        var bus = crossCheck.Bus;
        var cliBus = result.GetValue(bus.Bus) is not null;
        if (result.GetValue(Publish) && !cliBus && configBus?.Url is null)
            throw new UsageException("--publish goes with --bus");
        if (!(cliBus && (!crossCheck.NamesAgents(result) || result.GetValue(Publish))) && config?.Publish != true)
        {
            if (result.GetResult(SensorName) is not null || result.GetResult(OutboxCap) is not null)
                throw new UsageException("--sensor-name and --bus-outbox-max go with fleet mode (--bus; with --via, --bus and --publish)");
            return null;
        }
        if (showSecrets)
            throw new UsageException("--show-secrets does not go with --bus: secrets never leave this machine over the bus");
        // a name from the config file was checked with the file; the host name may be no valid name
        var name = result.GetValue(SensorName) ?? config?.SensorName ?? FleetSubjects.DefaultSensorName();
        if (!FleetSubjects.IsValidName(name))
            throw new UsageException(NameProblem("--sensor-name", name));
        var cap = result.GetValue(OutboxCap) ?? config?.OutboxMax ?? FleetSettings.DefaultOutboxCap;
        var values = configBus is null ? bus.Values(result) : bus.Values(result).Over(configBus);
        if (values.Url is null && config?.Publish == true)
            throw new UsageException("Fleet:Publish needs the bus: Bus:Url in the config file, or --bus");
        var opts = BusOptions.Build(values, $"sensor-{name}", TimeSpan.FromSeconds(5));
        // beside the store (or in the default data folder with --no-db), like the fingerprint key
        var folder = Path.GetDirectoryName(Path.GetFullPath(dbPath ?? SensorStore.DefaultPath()))!;
        return new FleetSettings(opts, name, folder, cap);
    }

    private static string NameProblem(string option, string name) => $"{option} takes 1-64 letters, digits, '-' or '_', not '{name}'";

    /// <summary>Starts publishing; an outbox that cannot be opened is one line and exit 2.</summary>
    public static FleetPublisher? Start(FleetSettings? settings)
    {
        if (settings is null)
            return null;
        try
        {
            return FleetPublisher.Start(settings, line => Log.Information("{Line}", line), line => Log.Warning("{Line}", line));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot open the bus outbox in {settings.OutboxFolder}: {e.Message}");
        }
    }
}
