namespace Sensor.Core.Output;

/// <summary>
/// A finding as one line of text, as Suricata's fast.log has an alert: time, the sensor (from a fleet),
/// severity, kind/variant, protocol, client -> server (and its name), the user if any, the summary, the id;
/// for `sensor live` without --json and `sensor tail`. The whole line passes <see cref="TerminalText"/>, so
/// a peer's bytes or a record from the bus cannot steer the terminal or forge a second line.
/// </summary>
public static class FindingLine
{
    public static string Format(FindingRecord f, string? sensor = null)
    {
        var kind = f.Variant is null ? f.Kind : $"{f.Kind}/{f.Variant}";
        var from = sensor is null ? "" : $" {sensor}";
        var name = f.ServerName is null ? "" : $" ({f.ServerName})";
        var user = f.User() is { } u ? $" user={u}" : "";
        return TerminalText.Escape($"{f.Ts}{from} [{f.Severity}] {kind} {f.Protocol} {f.Client} -> {f.Server}{name}{user}: {f.Summary} (id {f.Id})");
    }
}

/// <summary>`sensor live` without --json: each finding printed as one line the moment it is made (called under the outputs' lock).</summary>
public sealed class FindingLineSink(TextWriter output) : IRecordSink
{
    public void OnSession(Sessions.MailSession session, SessionRecordOnDemand record) { }

    public void OnFinding(Detection.Finding finding, FindingRecord record)
    {
        output.WriteLine(FindingLine.Format(record));
        output.Flush();
    }
}
