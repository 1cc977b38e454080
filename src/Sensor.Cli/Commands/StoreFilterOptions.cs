using System.CommandLine;
using Sensor.Cli.Commands.Options;
using System.Globalization;
using Sensor.Core.Detection;
using Sensor.Core.Storage;

namespace Sensor.Cli.Commands;

/// <summary>
/// The options the query verbs (findings, sessions, servers, runs) share, each verb taking those that
/// apply to its records; read into one <see cref="RecordFilter"/>. One instance per command.
/// </summary>
public sealed class StoreFilterOptions
{
    public const int DefaultLimit = 100;

    public readonly Option<string?> Db = new("--db") { Description = "LiteDB file to read (default: $XDG_DATA_HOME/sensor/sensor.db)" };
    public readonly Option<string[]> Kind = new("--kind") { Description = "only findings of this kind (repeatable), e.g. starttls-stripped" };
    public readonly Option<string[]> Variant = new("--variant") { Description = "only findings of this variant (repeatable), e.g. removed" };
    public readonly Option<Severity?> Severity = TypedOptions.Severity("--severity", "only findings of this severity or higher (info, low, medium, high)");
    public readonly Option<string?> Server = new("--server") { Description = "only this server: ip:port, an address (any port) or the host name in its greeting" };
    public readonly Option<string?> User = new("--user") { Description = "only records of this user name (exactly as sent)" };
    public readonly Option<TimeSpan?> Since = TypedOptions.Duration("--since", "only records of the last 7d, 12h, 30m ... (by their own time: a replay's are the capture's)");
    public readonly Option<string?> From = new("--from") { Description = "only records at or after this time (RFC 3339, e.g. 2026-12-01T00:00:00Z)" };
    public readonly Option<string?> To = new("--to") { Description = "only records at or before this time (RFC 3339)" };
    public readonly Option<string?> Run = new("--run") { Description = "only what this run made (its id: sensor runs)" };
    public readonly Option<int?> Limit = new("--limit") { Description = $"at most this many records, the newest first (default {DefaultLimit}; 0: all)" };
    public readonly Option<bool> Json = new("--json") { Description = "write the records as JSON Lines (docs/output.md) instead of a table" };
    public readonly Option<bool> ShowSecrets = new("--show-secrets") { Description = "reveal passwords and tokens a run stored with --show-secrets (forensics only; default: redacted)" };

    /// <summary>The options every verb takes, then the server, user and finding-only options where they apply.</summary>
    public void AddTo(Command command, bool findings, bool users, bool servers)
    {
        Option[] common = [Db, Since, From, To, Run, Limit, Json];
        foreach (var option in common)
            command.Options.Add(option);
        if (servers)
            command.Options.Add(Server);
        if (users)
            command.Options.Add(User);
        if (findings)
        {
            command.Options.Add(Kind);
            command.Options.Add(Variant);
            command.Options.Add(Severity);
            command.Options.Add(ShowSecrets);
        }
    }

    public string DbPath(ParseResult result) => result.GetValue(Db) ?? SensorStore.DefaultPath();

    /// <summary>The filter the options ask for; a bad value is a <see cref="UsageException"/> naming the option.</summary>
    public RecordFilter Read(ParseResult result, DateTime nowUtc)
    {
        if (result.GetValue(Since) is not null && result.GetValue(From) is not null)
            throw new UsageException("give --since or --from, not both");
        var severity = result.GetValue(Severity);
        var from = result.GetValue(Since) is { } age ? nowUtc - age : Time(result.GetValue(From), "--from");
        var to = Time(result.GetValue(To), "--to");
        if (from > to)
            throw new UsageException("--from (or --since) is after --to");
        int limit = result.GetValue(Limit) ?? DefaultLimit;
        if (limit < 0)
            throw new UsageException($"--limit takes a number of records (0: all), not {limit}");
        return new RecordFilter
        {
            Kinds = result.GetValue(Kind) ?? [],
            Variants = result.GetValue(Variant) ?? [],
            MinSeverity = severity,
            Server = NonEmpty(result.GetValue(Server), "--server"),
            User = result.GetValue(User),
            From = from,
            To = to,
            Run = NonEmpty(result.GetValue(Run), "--run"),
            Limit = limit == 0 ? null : limit,
        };
    }

    private static string? NonEmpty(string? value, string option) =>
        value is { Length: 0 } ? throw new UsageException($"{option} takes a value") : value;

    /// <summary>RFC 3339 with an offset (Z or +hh:mm), as UTC.</summary>
    private static DateTime? Time(string? text, string option)
    {
        if (text is null)
            return null;
        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal, out var time) && (text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-')
            ? time.UtcDateTime
            : throw new UsageException($"{option} takes an RFC 3339 time with its offset, e.g. 2026-12-01T00:00:00Z, not '{text}'");
    }
}
