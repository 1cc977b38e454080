using System.CommandLine;
using Sensor.Cli.Presentation;
using Sensor.Core.Output;
using Sensor.Core.Storage;
using Serilog;
using Spectre.Console;

namespace Sensor.Cli.Commands;

/// <summary>
/// `sensor findings`, `sensor sessions`, `sensor servers`, `sensor runs`: what the store holds, filtered
/// (docs/store.md), as a table or as the JSON Lines records replay writes. The store is opened read-only,
/// so a query runs beside a live sensor writing it.
/// </summary>
public static class QueryCommands
{
    public static IEnumerable<Command> Build() =>
    [
        Verb("findings", "List stored findings: by kind, variant, severity, server, user, time and run", findings: true, users: true, servers: true,
            (store, filter, options, result) => Emit(store.FindFindings(filter).Select(f => SecretRedactor.Stored(f, result.GetValue(options.ShowSecrets))),
                (w, r) => w.Write(r), StoreTables.Findings)),
        Verb("sessions", "List stored mail sessions: by server, user, time and run", findings: false, users: true, servers: true,
            (store, filter, _, _) => Emit(store.FindSessions(filter), (w, r) => w.Write(r), StoreTables.Sessions)),
        Verb("servers", "List what the store remembers of each server (STARTTLS offered, when, by which run): by server, time last seen and run", findings: false, users: false, servers: true,
            (store, filter, _, _) => Emit(store.FindServers(filter).Select(ServerRecord.From), (w, r) => w.Write(r), StoreTables.Servers)),
        Verb("runs", "List the replays and live captures that wrote the store, with their files (and SHA-256) or interfaces", findings: false, users: false, servers: false,
            (store, filter, _, _) => Emit(store.FindRuns(filter), (w, r) => w.Write(r), runs => StoreTables.Runs(runs, store))),
    ];

    /// <summary>Reads the filter, opens the store, writes what the query found; bad usage or an unreadable store is one line, exit 2.</summary>
    private static Command Verb(string name, string description, bool findings, bool users, bool servers,
        Func<SensorStore, RecordFilter, StoreFilterOptions, ParseResult, Output> query)
    {
        var options = new StoreFilterOptions();
        var command = new Command(name, description);
        options.AddTo(command, findings, users, servers);
        command.SetAction(result =>
        {
            Logging.Configure(false, null);
            try
            {
                var filter = options.Read(result, DateTime.UtcNow);
                using var store = SensorStore.OpenReadOnly(options.DbPath(result));
                int written = query(store, filter, options, result)(result.GetValue(options.Json));
                if (filter.Limit is { } limit && written == limit)
                    Console.Error.WriteLine($"sensor: the newest {limit} {name} shown; --limit 0 shows all");
                if (written == 0 && name == "sessions")
                    Console.Error.WriteLine("sensor: no session records found; a replay or live capture stores them only with --store-sessions");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is UsageException or StoreException or IOException or UnauthorizedAccessException or LiteDB.LiteException)
            {
                Log.Error("{Message}", e.Message);
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    /// <summary>Writes the records (JSON Lines or a table) and returns how many there were.</summary>
    private delegate int Output(bool json);

    private static Output Emit<T>(IEnumerable<T> records, Action<JsonLinesWriter, T> write, Func<IReadOnlyList<T>, Table> table) => json =>
    {
        if (!json)
        {
            var list = records.ToList();
            AnsiConsole.Write(table(list));
            return list.Count;
        }
        int count = 0;
        using var stdout = Console.OpenStandardOutput();
        using var writer = new JsonLinesWriter(stdout);
        foreach (var record in records)
        {
            write(writer, record);
            count++;
        }
        return count;
    };
}
