using System.CommandLine;
using Sensor.Cli.Commands.Options;
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
    private static readonly Argument<string[]> Files = TypedOptions.UpToOptions("files", "JSON Lines files of probe records from `sensor probe --json` elsewhere", ArgumentArity.OneOrMore);
    private static readonly Option<string?> Db = StoreOptions.DbOption("to import into");

    public static Command Build()
    {
        var command = new Command("import", "Import probe results another vantage point wrote (sensor probe --json) into the store, for the cross-check of replays")
        {
            Files, Db, CommonOptions.LogFile, CommonOptions.Verbose,
        };
        command.SetAction(result => Run(result));
        return command;
    }

    private static int Run(ParseResult result)
    {
        CommonOptions.ConfigureLogging(result);
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
            throw new UsageException($"{path}: no such file");
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
