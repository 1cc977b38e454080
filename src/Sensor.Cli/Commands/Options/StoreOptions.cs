using System.CommandLine;
using Sensor.Core.Storage;

namespace Sensor.Cli.Commands.Options;

/// <summary>--db and --no-db: the LiteDB store a verb reads and writes, or none; each verb says what it keeps there.</summary>
public sealed class StoreOptions(string what, string noDb)
{
    /// <summary>--db FILE alone, for a verb that cannot do without the store.</summary>
    public static Option<string?> DbOption(string what) =>
        new("--db") { Description = $"LiteDB store {what} (default: $XDG_DATA_HOME/sensor/sensor.db)", HelpName = "FILE" };

    public Option<string?> Db { get; } = DbOption(what);
    public Option<bool> NoDb { get; } = new("--no-db") { Description = noDb };

    /// <summary>--store-sessions, for the verbs that capture: session records are many and only `sensor sessions` reads them.</summary>
    public static Option<bool> StoreSessionsOption() =>
        new("--store-sessions") { Description = "also store every session record (findings, verdicts and server history are always stored)" };

    /// <summary>The store's path: --db, else the default; null with --no-db (which wins over --db).</summary>
    public string? Path(ParseResult result) => result.GetValue(NoDb) ? null : result.GetValue(Db) ?? SensorStore.DefaultPath();
}
