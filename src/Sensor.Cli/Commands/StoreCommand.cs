using System.CommandLine;
using Sensor.Cli.Commands.Options;
using Sensor.Core.Storage;
using Serilog;
using Spectre.Console;

namespace Sensor.Cli.Commands;

/// <summary>`sensor store prune --older-than D` and `sensor store stats`: the store's retention and size (docs/store.md).</summary>
public static class StoreCommand
{
    public static Command Build()
    {
        var command = new Command("store", "Look after the store: prune old records, show its size");
        command.Subcommands.Add(Prune());
        command.Subcommands.Add(Stats());
        return command;
    }

    private static Option<string?> DbOption() => new("--db") { Description = "LiteDB file (default: $XDG_DATA_HOME/sensor/sensor.db)" };

    private static Command Prune()
    {
        var db = DbOption();
        var olderThan = TypedOptions.Duration("--older-than", "delete records older than this, e.g. 30d, 12h (by their own time: a replay's are the capture's)");
        olderThan.Required = true;
        var command = new Command("prune", "Delete sessions, findings, server history, probes, verdicts and runs older than a duration") { db, olderThan };
        command.SetAction(result => Guarded(() =>
        {
            var age = result.GetValue(olderThan)!.Value;
            var path = result.GetValue(db) ?? SensorStore.DefaultPath();
            if (!File.Exists(path))
                throw new UsageException($"no store at '{path}'");
            using var store = SensorStore.Open(path);
            var cutoff = DateTime.UtcNow - age;
            var deleted = store.Prune(cutoff);
            Console.Out.WriteLine($"{path}: deleted {string.Join(", ", SensorStore.Collections.Select(c => $"{deleted[c]:N0} {c}"))} older than {Core.Output.Rfc3339.Format(cutoff)}");
        }));
        return command;
    }

    private static Command Stats()
    {
        var db = DbOption();
        var command = new Command("stats", "Records per collection and the store's size on disk") { db };
        command.SetAction(result => Guarded(() =>
        {
            using var store = SensorStore.OpenReadOnly(result.GetValue(db) ?? SensorStore.DefaultPath());
            var stats = store.Stats();
            var table = new Table { Title = new TableTitle(Markup.Escape(stats.Path)), Border = TableBorder.Rounded };
            table.AddColumn("collection");
            table.AddColumn(new TableColumn("records").RightAligned());
            foreach (var name in SensorStore.Collections)
                table.AddRow(name, stats.Records[name].ToString("N0"));
            AnsiConsole.Write(table);
            Console.Out.WriteLine($"size on disk: {stats.DataBytes + stats.LogBytes:N0} bytes ({stats.DataBytes:N0} data, {stats.LogBytes:N0} log)");
        }));
        return command;
    }

    /// <summary>Bad usage or a store that cannot be opened or written: one line, exit 2.</summary>
    private static int Guarded(Action action)
    {
        Logging.Configure(false, null);
        try
        {
            action();
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is UsageException or StoreException or IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
    }
}
