using System.Globalization;
using System.Text;
using Sensor.Core.FieldTest;

namespace Sensor.Core.Output.Html;

/// <summary>
/// The shareable HTML report of `sensor fieldtest`: one self-contained file (inline CSS only; no
/// scripts, fonts, images or links), readable in black and white (every colour comes with a word and
/// a symbol), with no secrets and no local paths. Every string from the wire is encoded.
/// </summary>
public static class FieldReportHtml
{
    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#111;background:#fff;line-height:1.4}
        h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em}
        .meta{color:#444;margin-top:0}
        .summary{border:3px solid #555;padding:.8em 1.2em;margin:1.2em 0;border-radius:6px}
        .summary p.head{font-size:1.3em;font-weight:bold;margin:.2em 0 .5em}
        .summary ul{margin:.2em 0;padding-left:1.2em}
        table{border-collapse:collapse;width:100%;margin-top:.5em}
        th,td{border:1px solid #888;padding:.35em .5em;text-align:left;vertical-align:top}
        th{background:#eee}
        td.wire{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-word}
        .badge{display:inline-block;font-weight:bold;padding:.05em .4em;border:2px solid #000;border-radius:4px;white-space:nowrap}
        .l0{background:#fdd;border-color:#b00000;color:#700}
        .l1{background:#fec;border-color:#c45c00;color:#6a3000}
        .l2{background:#ffb;border-color:#8a7a00;color:#554a00}
        .l3{background:#eee;border-color:#666;color:#333}
        .l4{background:#dfd;border-color:#087a08;color:#064d06}
        .note{color:#333;font-style:italic}
        footer{margin-top:2em;color:#555;font-size:.9em}
        @media print{.summary{border-color:#000}}
        """;

    public static string Render(FieldReport report)
    {
        var time = report.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var html = HtmlPage.Begin($"Mail encryption field test, {time}", Css);
        html.Append("<h1>Mail encryption field test</h1>\n")
            .Append("<p class=\"meta\">Tested from <strong>").Append(HtmlText.Encode(report.Vantage)).Append("</strong> at ").Append(HtmlText.Encode(time))
            .Append(" with sensor ").Append(HtmlText.Encode(report.Version)).Append(".</p>\n");
        Summary(html, report);
        Dns(html, report);
        foreach (var target in report.Targets)
            Target(html, target);
        html.Append("<footer><p>Grades: 0\u2013100 and a letter from the negotiated TLS protocol, key exchange and cipher (30/30/40, as SSL Labs rates them); ")
            .Append("DANE and MTA-STS, which a sending mail server really checks, are not part of this report: `sensor probe` checks them. ")
            .Append("\u201cElsewhere\u201d is the latest result from each other vantage point that was imported into this sensor.</p>")
            .Append("<p>Made by sensor ").Append(HtmlText.Encode(report.Version)).Append(". This file holds no passwords and loads nothing from the network.</p></footer>\n");
        return HtmlPage.End(html);
    }

    private static void Summary(StringBuilder html, FieldReport report)
    {
        var worst = report.Worst ?? FieldLevel.NotTested;
        var rows = report.WorstFirst;
        html.Append("<section class=\"summary l").Append((int)worst).Append("\" id=\"summary\"><p class=\"head\">").Append(Badge(worst)).Append(' ')
            .Append(HtmlText.Encode(Headline(worst, rows.Count))).Append("</p>\n<ul>\n");
        var notable = rows.Where(x => x.Row.Judgement.Level < FieldLevel.NotTested).ToList();
        if (notable.Count == 0)
            notable = [.. rows.Take(3)];
        foreach (var (target, row) in notable)
            html.Append("<li>").Append(Badge(row.Judgement.Level)).Append(' ').Append(HtmlText.Wire(target.Name)).Append(": ")
                .Append(HtmlText.Wire(row.Judgement.Sentence)).Append("</li>\n");
        html.Append("</ul>\n");
        if (report.NothingCompared)
            html.Append("<p class=\"note\">").Append(HtmlText.Wire(FieldVerdict.NoComparison)).Append(".</p>\n");
        html.Append("</section>\n");
    }

    /// <summary>The DNS answers here that differ from a control vantage's (dns-tampering findings), when there are any.</summary>
    private static void Dns(StringBuilder html, FieldReport report)
    {
        if (report.Dns.Count == 0)
            return;
        html.Append("<h2 id=\"dns\">DNS answers that differ from elsewhere</h2>\n<table><thead><tr>")
            .Append("<th>Looked up</th><th>What DNS said here</th><th>What it said elsewhere</th><th>Finding</th></tr></thead><tbody>\n");
        foreach (var d in report.Dns)
        {
            var level = d.Entry.Severity == Detection.Severity.High ? FieldLevel.Interference : FieldLevel.Caution;
            html.Append("<tr><td class=\"wire\">").Append(HtmlText.Wire($"{d.RecordType} {d.Name}")).Append("</td>")
                .Append("<td class=\"wire\">").Append(HtmlText.Wire(d.Here)).Append("</td>")
                .Append("<td class=\"wire\">").Append(HtmlText.Wire($"{d.Vantage}: {d.There}")).Append("</td>")
                .Append("<td>").Append(Badge(level)).Append(' ').Append(HtmlText.Encode($"dns-tampering/{d.Variant}: {d.Entry.Description}")).Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    private static string Headline(FieldLevel worst, int ports) => worst switch
    {
        FieldLevel.Interference => "Something on this network interferes with mail encryption.",
        FieldLevel.NotEncrypted => "Some mail from here travels without encryption.",
        FieldLevel.Caution => "Mail is encrypted, with a catch you should know about.",
        FieldLevel.NotTested when ports == 0 => "Nothing was tested.",
        FieldLevel.NotTested => "Could not test encryption from here.",
        _ => "Mail encryption works from here.",
    };

    private static void Target(StringBuilder html, FieldTarget target)
    {
        html.Append("<h2>").Append(HtmlText.Wire(target.Name)).Append("</h2>\n<table><thead><tr>")
            .Append("<th>Port</th><th>Protocol</th><th>Server</th><th>What here saw</th><th>What elsewhere saw</th><th>Verdict</th><th>Grade</th>")
            .Append("</tr></thead><tbody>\n");
        foreach (var row in target.Rows)
        {
            var here = row.Here;
            var elsewhere = row.Elsewhere.Count == 0
                ? "no result from elsewhere"
                : string.Join("; ", row.Elsewhere.Select(e => $"{e.Vantage} ({Day(e.Ts)}): {FieldVerdict.Describe(e)}"));
            html.Append("<tr><td>").Append(here.Port).Append("</td><td>").Append(HtmlText.Encode(Protocol(here))).Append("</td>")
                .Append("<td class=\"wire\">").Append(HtmlText.Wire(here.Server ?? here.Target));
            if (here.Banner is { Length: > 0 } banner)
                html.Append("<br>").Append(HtmlText.Wire(banner));
            html.Append("</td><td class=\"wire\">").Append(HtmlText.Wire(FieldVerdict.Describe(here))).Append("</td>")
                .Append("<td class=\"wire\">").Append(HtmlText.Wire(elsewhere)).Append("</td>")
                .Append("<td>").Append(Badge(row.Judgement.Level)).Append(' ').Append(HtmlText.Wire(row.Judgement.Sentence));
            if (here.Locate is { } located)
                html.Append("<br>Where: ").Append(HtmlText.Wire(located.Summary));
            html.Append("</td>")
                .Append("<td>").Append(here.Grade is null ? "\u2013" : HtmlText.Encode($"{here.Grade} ({here.Score})")).Append("</td></tr>\n");
        }
        if (target.Rows.Count == 0)
            html.Append("<tr><td colspan=\"7\">nothing probed</td></tr>\n");
        html.Append("</tbody></table>\n");
    }

    private static string Badge(FieldLevel level) =>
        $"<span class=\"badge l{(int)level}\">{HtmlText.Encode(FieldVerdict.Icon(level))} {HtmlText.Encode(FieldVerdict.Label(level))}</span>";

    private static string Protocol(ProbeRecord probe) => probe.Protocol switch
    {
        "smtp" when probe.Port == 587 => "SMTP submission",
        "smtp" when probe.ImplicitTls || probe.Port == 465 => "SMTP submission (TLS)",
        "smtp" => "SMTP",
        "imap" => probe.ImplicitTls ? "IMAP (TLS)" : "IMAP",
        "pop3" => probe.ImplicitTls ? "POP3 (TLS)" : "POP3",
        var other => other,
    };

    private static string Day(string ts) => ts.Length >= 16 ? ts[..16].Replace('T', ' ') : ts;
}
