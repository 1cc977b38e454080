namespace Sensor.Core.Fleet;

/// <summary>One readable line per fleet finding, for `sensor tail`; control characters from the bus are never printed.</summary>
public static class FindingLine
{
    public static string Format(FleetFinding finding)
    {
        var f = finding.Record;
        var kind = f.Variant is null ? f.Kind : $"{f.Kind}/{f.Variant}";
        var name = f.ServerName is null ? "" : $" ({f.ServerName})";
        var user = f.User() is { } u ? $" user={u}" : "";
        return Output.TerminalText.Escape($"{f.Ts} {finding.Sensor} {f.Severity} {kind} {f.Protocol} {f.Client} -> {f.Server}{name}{user}: {f.Summary}");
    }
}
