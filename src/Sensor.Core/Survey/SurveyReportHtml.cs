using System.Globalization;
using System.Text;
using Sensor.Core.Output.Html;

namespace Sensor.Core.Survey;

/// <summary>
/// The survey's HTML report: one self-contained file (inline CSS and SVG only; no scripts, fonts,
/// images or links), the statistics, bar charts of the grade spread and of STARTTLS and failures,
/// and a row per domain. Everything a server sent is encoded as wire text; no local paths.
/// </summary>
public static class SurveyReportHtml
{
    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#111;background:#fff;line-height:1.4}
        h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em}.meta{color:#444;margin-top:0}
        table{border-collapse:collapse;margin-top:.5em}th,td{border:1px solid #888;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#eee}
        td.n{text-align:right}td.wire{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-word}
        svg.chart text{font-size:13px;fill:#111}rect.bar{fill:#557}rect.gA{fill:#087a08}rect.gB{fill:#5a9a1a}rect.gC{fill:#b8a000}
        rect.gD{fill:#c45c00}rect.gE{fill:#b03000}rect.gF{fill:#b00000}rect.bad{fill:#b00000}rect.good{fill:#087a08}
        footer{margin-top:2em;color:#555;font-size:.9em}
        """;

    public static string Render(SurveyOutcome outcome, DateTime timeUtc, string version)
    {
        var s = outcome.Stats;
        var time = timeUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var html = HtmlPage.Begin($"Mail server survey, {time}", Css);
        html.Append("<h1>Mail server survey</h1>\n<p class=\"meta\">From <strong>").Append(HtmlText.Encode(outcome.Vantage)).Append("</strong> at ")
            .Append(HtmlText.Encode(time)).Append(", survey ").Append(HtmlText.Encode(outcome.Id)).Append(", sensor ").Append(HtmlText.Encode(version)).Append(".</p>\n");
        if (outcome.Interrupted || outcome.Domains.Count < outcome.Total)
            html.Append("<p><strong>Incomplete:</strong> ").Append(outcome.Domains.Count).Append(" of ").Append(outcome.Total)
                .Append(" domains done; run the same survey again to finish it.</p>\n");
        html.Append("<h2>Summary</h2>\n<table id=\"stats\">\n");
        Row(html, "Domains processed", $"{s.Domains} of {outcome.Total}");
        Row(html, "Unique servers reached", s.ServersReached.ToString(CultureInfo.InvariantCulture));
        Row(html, "Servers rated", s.ServersRated.ToString(CultureInfo.InvariantCulture));
        Row(html, "Servers with STARTTLS", s.WithStarttls.ToString(CultureInfo.InvariantCulture));
        Row(html, "Servers without STARTTLS", s.WithoutStarttls.ToString(CultureInfo.InvariantCulture));
        Row(html, "Average score", s.AverageScore?.ToString("0.0", CultureInfo.InvariantCulture) ?? "none rated");
        Row(html, "DANE (validated TLSA match)", $"{s.DaneServers} servers ({Percent(s.DaneShare)})");
        Row(html, "MTA-STS (TXT published)", $"{s.MtaStsDomains} domains ({Percent(s.MtaStsShare)})");
        Row(html, "Unreachable", s.Unreachable.ToString(CultureInfo.InvariantCulture));
        Row(html, "Timeouts", s.Timeouts.ToString(CultureInfo.InvariantCulture));
        Row(html, "Unresolvable / no mail", $"{s.Unresolvable} / {s.NoMail}");
        Row(html, "Other failures (STARTTLS refused, TLS failed, protocol errors)", s.OtherFailures.ToString(CultureInfo.InvariantCulture));
        html.Append("</table>\n<h2>Grade spread</h2>\n<figure id=\"grades\">")
            .Append(SvgBarChart.Render("Servers per grade", [.. SurveyStats.Letters.Select(l => new Bar(l, s.Grades[l], "g" + l))]))
            .Append("</figure>\n<h2>STARTTLS and failures</h2>\n<figure id=\"starttls\">")
            .Append(SvgBarChart.Render("Servers and failures", [
                new Bar("STARTTLS", s.WithStarttls, "good"), new Bar("no STARTTLS", s.WithoutStarttls, "bad"),
                new Bar("unreachable", s.Unreachable, "bad"), new Bar("timeout", s.Timeouts, "bad"),
                new Bar("unresolvable", s.Unresolvable, "bad"), new Bar("no mail", s.NoMail, "bad"),
                new Bar("other failure", s.OtherFailures, "bad")]))
            .Append("</figure>\n<h2>Domains</h2>\n<table id=\"domains\"><tr><th>Domain or host</th><th>Server</th><th>Outcome</th><th>TLS</th><th>Grade</th><th>DANE</th><th>MTA-STS</th></tr>\n");
        foreach (var domain in outcome.Domains)
            foreach (var r in domain.Records)
                html.Append("<tr><td class=\"wire\">").Append(HtmlText.Wire(domain.Entry)).Append("</td><td class=\"wire\">").Append(HtmlText.Wire(r.ServerName ?? r.Server ?? "-"))
                    .Append("</td><td>").Append(HtmlText.Encode(r.Outcome)).Append("</td><td class=\"wire\">").Append(HtmlText.Wire(r.TlsVersion ?? "-"))
                    .Append("</td><td>").Append(r.Grade is null ? "-" : $"{HtmlText.Encode(r.Grade)} ({r.Score})")
                    .Append("</td><td>").Append(HtmlText.Wire(r.Dane.Checked ? r.Dane.Result : "-")).Append("</td><td>").Append(r.MtaSts.Txt is null ? "no" : "yes").Append("</td></tr>\n");
        html.Append("</table>\n<footer><p>Grades: 0\u2013100 and a letter from the negotiated TLS protocol, key exchange and cipher (30/30/40, as SSL Labs rates them; ")
            .Append("an untrusted certificate does not cap it). A server is an address and port, counted once. ")
            .Append("This file loads nothing from the network.</p></footer>\n");
        return HtmlPage.End(html);
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(HtmlText.Encode(name)).Append("</th><td class=\"n\">").Append(HtmlText.Encode(value)).Append("</td></tr>\n");

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
