using Sensor.Core.FieldTest;

namespace Sensor.Core.Output;

/// <summary>
/// The console text of `sensor fieldtest`, from its <see cref="FieldExplanation"/>: the overall
/// headline, then per target its headline and per port its verdict and one line per step checked,
/// every line wrapped at spaces to the width given and escaped for the terminal.
/// </summary>
public static class FieldReportText
{
    public static IEnumerable<string> Lines(FieldExplanation report, int width, string? reportPath)
    {
        var lines = new List<string>();
        void Say(string text, string first = "", string hanging = "") =>
            lines.AddRange(TextWrap.Wrap(TerminalText.Escape(text), width, first, hanging));

        Say($"{FieldVerdict.Label(report.Level)}: {report.Headline}");
        Say($"Tested from {report.Place}, named '{report.Vantage}', at {report.Time}.");
        foreach (var target in report.Targets)
        {
            lines.Add("");
            Say(target.Name);
            var badge = $"  {FieldVerdict.Icon(target.Level)} {FieldVerdict.Label(target.Level)}: ";
            Say(target.Headline, badge, "    ");
            foreach (var port in target.Ports)
            {
                Say($"port {port.Port}, {port.Service}: {FieldVerdict.Label(port.Judgement.Level)}: {port.Judgement.Sentence}",
                    $"  {FieldVerdict.Icon(port.Judgement.Level)} ", "      ");
                foreach (var check in port.Checks)
                    Say($"{check.What}: {check.Found}", $"      {check.Icon} ", "        ");
            }
        }
        if (report.Dns.Count > 0)
        {
            lines.Add("");
            Say("DNS answers that differ from elsewhere:");
            foreach (var check in report.Dns)
                Say($"{check.What}: {check.Found}", $"  {check.Icon} ", "    ");
        }
        lines.Add("");
        if (report.Note is { } note)
            Say(note);
        Say("Grades are in the report; `sensor probe` checks DANE and MTA-STS.");
        Say($"Before testing a network: {report.Risk}");
        if (reportPath is not null)
            lines.Add(TerminalText.Escape($"Report: {reportPath}"));
        return lines;
    }
}
