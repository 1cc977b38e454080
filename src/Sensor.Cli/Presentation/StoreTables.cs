using Sensor.Core.Output;
using Sensor.Core.Storage;
using Spectre.Console;
using static Sensor.Cli.Presentation.SummaryPrinter;

namespace Sensor.Cli.Presentation;

/// <summary>The query verbs' tables, one row a record; record text goes through the terminal escaping every console output uses.</summary>
public static class StoreTables
{
    public static Table Findings(IReadOnlyList<FindingRecord> findings)
    {
        var table = New($"{findings.Count:N0} findings", "time", "severity", "kind", "server", "client", "user", "run", "summary");
        foreach (var f in findings)
            table.AddRow(Text(f.Ts), Severity(f.Severity), Text(f.Variant is null ? f.Kind : $"{f.Kind}/{f.Variant}"), Text(Named(f.Server, f.ServerName)),
                Text(f.Client), Text(f.User() ?? ""), Text(f.Run ?? ""), Text(f.Summary));
        return table;
    }

    public static Table Sessions(IReadOnlyList<SessionRecord> sessions)
    {
        var table = New($"{sessions.Count:N0} sessions", "start", "protocol", "client", "server", "starttls", "tls", "users", "run");
        foreach (var s in sessions)
            table.AddRow(Text(s.Start), Text(s.Protocol), Text(s.Client), Text(Named(s.Server, s.ServerName)),
                StartTls(s), s.TlsEstablished ? Text(s.TlsVersion ?? "yes") : s.ImplicitTls ? "implicit" : "[red]no[/]",
                Text(string.Join(", ", s.Auth.Select(a => $"{a.User ?? "?"} ({a.Mechanism})"))), Text(s.Run ?? ""));
        return table;
    }

    public static Table Servers(IReadOnlyList<ServerRecord> servers)
    {
        var table = New($"{servers.Count:N0} servers", "last seen", "protocol", "server", "by", "starttls offered", "last offered", "offered in run", "sessions");
        foreach (var s in servers)
            table.AddRow(Text(s.LastSeen), Text(s.Protocol), Text(s.Server), s.Key, s.StarttlsOffered ? "yes" : "no",
                Text(s.LastOffered ?? ""), Text(s.OfferedRun ?? ""), s.Sessions.ToString("N0"));
        return table;
    }

    public static Table Runs(IReadOnlyList<RunRecord> runs, SensorStore store)
    {
        var table = New($"{runs.Count:N0} runs", "run", "mode", "sensor", "start", "end", "input", "sessions", "findings");
        foreach (var r in runs)
        {
            var (sessions, findings) = store.CountOfRun(r.Id);
            var input = r.Mode == "live"
                ? string.Join(", ", r.Interfaces)
                : string.Join("\n", r.Captures.Select(c => c.Sha256 is null ? c.File : $"{c.File} sha256:{c.Sha256[..16]}…"));
            table.AddRow(Text(r.Id), Text(r.Mode), Text(r.Sensor), Text(r.Start), r.End is null ? "[yellow]not ended[/]" : Text(r.End), Text(input),
                sessions.ToString("N0"), findings.ToString("N0"));
        }
        return table;
    }

    private static string Named(string server, string? name) => name is { Length: > 0 } ? $"{server} ({name})" : server;

    private static string StartTls(SessionRecord s) => (s.StarttlsOffered, s.StarttlsAttempted) switch
    {
        (true, true) => "offered, used",
        (true, false) => "[yellow]offered, not used[/]",
        (false, true) => "not offered, tried",
        _ => "[red]not offered[/]",
    };

    private static Table New(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
        foreach (var column in columns)
            table.AddColumn(column);
        return table;
    }
}
