using System.CommandLine;
using Sensor.Core.CrossCheck;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>
/// `sensor import FILE...`: loads probe records (JSON Lines) that another vantage point's
/// `sensor probe --json` wrote, for offline exchange. Every file is checked whole before anything is
/// stored: one bad line is one error with its line number, exit 2, and nothing of any file imported.
/// </summary>
public static class ImportCommand
{
    private static readonly Argument<string[]> Files = new("files") { Arity = ArgumentArity.OneOrMore, Description = "JSON Lines files of probe records from `sensor probe --json` elsewhere" };
    private static readonly Option<string?> Db = new("--db") { Description = "LiteDB file to import into (default: $XDG_DATA_HOME/sensor/sensor.db)" };
    private static readonly Option<string?> LogFile = new("--log-file") { Description = "also write operational logs to this file" };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "log more" };

    public static Command Build()
    {
        var command = new Command("import", "Import probe results another vantage point wrote (sensor probe --json) into the store, for the cross-check of replays")
        {
            Files, Db, LogFile, Verbose,
        };
        command.SetAction(result => Run(result));
        return command;
    }

    private static int Run(ParseResult result)
    {
        Logging.Configure(result.GetValue(Verbose), result.GetValue(LogFile));
        try
        {
            var files = (result.GetValue(Files) ?? []).Select(Read).ToList();
            using var store = SensorStore.Open(result.GetValue(Db) ?? SensorStore.DefaultPath());
            foreach (var file in files)
            {
                int added = store.ImportProbes(file.Probes);
                var skipped = file.Skipped == 0 ? "" : $", {file.Skipped} other record(s) skipped ({string.Join(", ", file.SkippedByType.Select(t => $"{t.Value} {t.Key}"))})";
                Console.Out.WriteLine($"{file.Path}: {added} probe record(s) imported, {file.Probes.Count - added} already stored{skipped}");
            }
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is UsageException or StoreException or IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            // A bad file or a store that cannot be written: one line, exit 2; nothing was half-imported
            // (every file is checked before the first is stored, and each is stored in one transaction).
            Log.Error(e is UsageException or StoreException ? "{Message}" : "import stopped: {Message}", e.Message);
            return ExitCodes.BadInput;
        }
    }

    private static ProbeImportFile Read(string path)
    {
        if (!File.Exists(path))
            throw new UsageException(path.StartsWith('-') ? $"unknown option '{path}' (see 'sensor import --help')" : $"{path}: no such file");
        try
        {
            return ProbeImport.Read(path);
        }
        catch (ProbeImportException e)
        {
            throw new UsageException($"{e.Message}; nothing imported");
        }
    }
}
