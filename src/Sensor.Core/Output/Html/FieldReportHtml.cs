using System.Text;
using Sensor.Core.FieldTest;

namespace Sensor.Core.Output.Html;

/// <summary>
/// The shareable HTML report of `sensor fieldtest`, rendered from its <see cref="FieldExplanation"/>
/// (the console says the same): one self-contained file (inline CSS only; no scripts, fonts, images
/// or links), readable in black and white (every colour comes with a word and a symbol), on a phone
/// 360 px wide (no tables: one block per port) and printed (a print stylesheet), with no secrets and
/// no local paths. Words are never broken; only long tokens (hashes, addresses) may break anywhere.
/// Every string from the wire is encoded.
/// </summary>
public static class FieldReportHtml
{
    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:52em;padding:.5em 1em 2em;color:#111;background:#fff;line-height:1.45;hyphens:none;-webkit-hyphens:none}
        h1{font-size:1.5em;margin:.4em 0 .2em}h2{font-size:1.25em;margin:1.6em 0 .4em}h3{font-size:1.05em;margin:0 0 .3em}
        .meta{color:#333;margin-top:0}
        .summary{border:3px solid #555;padding:.6em 1em;margin:1em 0;border-radius:6px}
        .summary .head{font-size:1.2em;font-weight:bold;margin:.2em 0 .5em}
        .summary ul{margin:.2em 0;padding-left:1.2em}
        .advice{font-weight:bold;margin:.3em 0 .8em}
        .port{border-left:4px solid #888;padding:.2em 0 .2em .8em;margin:1em 0}
        .port p{margin:.2em 0}
        ul.checks{list-style:none;padding-left:0;margin:.4em 0}
        ul.checks li{padding-left:1.5em;text-indent:-1.5em;margin:.15em 0}
        .icon{display:inline-block;width:1.5em;text-indent:0;font-weight:bold}
        dl.facts{margin:.5em 0 .2em;font-size:.95em}
        dl.facts dt{font-weight:bold;margin-top:.3em}dl.facts dd{margin:0 0 0 1em}
        .wire{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:break-word}
        .token{overflow-wrap:anywhere}
        .kw{white-space:nowrap}
        .badge{display:inline-block;font-weight:bold;padding:0 .35em;border:2px solid #000;border-radius:4px;white-space:nowrap}
        .l0{background:#fdd;border-color:#b00000;color:#700}
        .l1{background:#fec;border-color:#c45c00;color:#6a3000}
        .l2{background:#ffb;border-color:#8a7a00;color:#554a00}
        .l3{background:#eee;border-color:#666;color:#333}
        .l4{background:#dfd;border-color:#087a08;color:#064d06}
        .note{color:#333;font-style:italic}
        .risk{border:1px solid #888;padding:.3em 1em;margin-top:2em;background:#f6f6f6}
        footer{margin-top:2em;color:#444;font-size:.9em}
        @media (min-width:40em){dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em}dl.facts dt{margin:0}dl.facts dd{margin:0}}
        @media print{body{max-width:none;margin:0;padding:0;font-size:11pt;color:#000}.summary{border-color:#000}.port,.risk,li{break-inside:avoid}h2,h3{break-after:avoid}
        .badge,.summary,.risk{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """;

    /// <summary>A run of this many characters without a space is a token (a hash, an address, a long name), allowed to break anywhere.</summary>
    public const int TokenLength = 30;

    public static string Render(FieldReport report) => Render(FieldExplanation.Of(report));

    public static string Render(FieldExplanation report)
    {
        var html = HtmlPage.Begin($"Mail encryption field test, {report.Time}", Css);
        html.Append("<h1>Mail encryption field test</h1>\n")
            .Append("<p class=\"meta\">Tested from <strong>").Append(Text(report.Place)).Append("</strong>, named \u201c").Append(Text(report.Vantage))
            .Append("\u201d, at ").Append(HtmlText.Encode(report.Time)).Append(" with sensor ").Append(HtmlText.Encode(report.Version)).Append(".</p>\n");
        Summary(html, report);
        Dns(html, report);
        foreach (var target in report.Targets)
            Target(html, target);
        html.Append("<section class=\"risk\" id=\"risk\"><h2>Before you test a network</h2><p>").Append(Text(report.Risk)).Append("</p></section>\n");
        html.Append("<footer><p>Grades: 0\u2013100 and a letter from the negotiated TLS protocol, key exchange and cipher (30/30/40, as SSL Labs rates them); ")
            .Append("DANE and MTA-STS, which a sending mail server really checks, are not part of this report: ").Append(Kw("sensor probe")).Append(" checks them. ")
            .Append("\u201cElsewhere\u201d is the latest result from each other vantage point: agents asked now, and results imported into this sensor.</p>")
            .Append("<p>Made by sensor ").Append(HtmlText.Encode(report.Version)).Append(". This file holds no passwords and loads nothing from the network.</p></footer>\n");
        return HtmlPage.End(html);
    }

    private static void Summary(StringBuilder html, FieldExplanation report)
    {
        html.Append("<section class=\"summary l").Append((int)report.Level).Append("\" id=\"summary\"><p class=\"head\">").Append(Badge(report.Level)).Append(' ')
            .Append(Text(report.Headline)).Append("</p>\n<ul>\n");
        foreach (var target in report.Targets.OrderBy(t => t.Level))
            html.Append("<li>").Append(Badge(target.Level)).Append(' ').Append(Text(target.Headline)).Append("</li>\n");
        html.Append("</ul>\n");
        if (report.Note is { } note)
            html.Append("<p class=\"note\">").Append(Text(note)).Append("</p>\n");
        html.Append("</section>\n");
    }

    /// <summary>The DNS answers here that differ from a control vantage's (dns-tampering findings), when there are any.</summary>
    private static void Dns(StringBuilder html, FieldExplanation report)
    {
        if (report.Dns.Count == 0)
            return;
        html.Append("<h2 id=\"dns\">DNS answers that differ from elsewhere</h2>\n");
        Checks(html, report.Dns);
    }

    private static void Target(StringBuilder html, TargetExplanation target)
    {
        html.Append("<section class=\"target\"><h2>").Append(Text(target.Name)).Append("</h2>\n<p class=\"advice\">").Append(Badge(target.Level)).Append(' ')
            .Append(Text(target.Headline)).Append("</p>\n");
        foreach (var port in target.Ports)
            Port(html, port);
        if (target.Ports.Count == 0)
            html.Append("<p>Nothing probed.</p>\n");
        html.Append("</section>\n");
    }

    private static void Port(StringBuilder html, PortExplanation port)
    {
        var here = port.Row.Here;
        html.Append("<section class=\"port\"><h3>").Append(Kw($"Port {port.Port}")).Append(": ").Append(HtmlText.Encode(port.Service)).Append("</h3>\n<p>")
            .Append(Badge(port.Judgement.Level)).Append(' ').Append(Text(port.Judgement.Sentence)).Append("</p>\n");
        Checks(html, port.Checks);
        html.Append("<dl class=\"facts\">");
        Fact(html, "Server", here.Server ?? here.Target, wire: true);
        if (here.Banner is { Length: > 0 } banner)
            Fact(html, "Greeting", banner, wire: true);
        Fact(html, "What here saw", FieldVerdict.Describe(here), wire: true);
        Fact(html, "What elsewhere saw", port.Row.Elsewhere.Count == 0
            ? "no result from elsewhere"
            : string.Join("; ", port.Row.Elsewhere.Select(e => $"{e.Vantage} ({Day(e.Ts)}): {FieldVerdict.Describe(e)}")), wire: true);
        Fact(html, "Grade", here.Grade is null ? "\u2013" : $"{here.Grade} ({here.Score})", wire: false);
        html.Append("</dl></section>\n");
    }

    private static void Fact(StringBuilder html, string name, string value, bool wire) =>
        html.Append("<dt>").Append(HtmlText.Encode(name)).Append("</dt><dd").Append(wire ? " class=\"wire\">" : ">").Append(Text(value)).Append("</dd>");

    private static void Checks(StringBuilder html, IReadOnlyList<FieldCheck> checks)
    {
        html.Append("<ul class=\"checks\">\n");
        foreach (var check in checks)
            html.Append("<li><span class=\"icon\">").Append(HtmlText.Encode(check.Icon)).Append("</span><strong>").Append(Text(check.What)).Append(":</strong> ")
                .Append(Text(check.Found)).Append("</li>\n");
        html.Append("</ul>\n");
    }

    /// <summary>
    /// Text that may hold what a server or a person sent, encoded as wire text; a run of
    /// <see cref="TokenLength"/> or more characters without a space (a hash, an IPv6 address) is marked
    /// a token, the only text a narrow screen may break anywhere.
    /// </summary>
    private static string Text(string text)
    {
        var words = text.Split(' ');
        return string.Join(' ', words.Select(w => w.Length >= TokenLength ? $"<span class=\"token\">{HtmlText.Wire(w)}</span>" : HtmlText.Wire(w)));
    }

    /// <summary>Words that must stay on one line together ("Port 25", "sensor probe").</summary>
    private static string Kw(string words) => $"<span class=\"kw\">{HtmlText.Encode(words)}</span>";

    private static string Badge(FieldLevel level) =>
        $"<span class=\"badge l{(int)level}\">{HtmlText.Encode(FieldVerdict.Icon(level))} {HtmlText.Encode(FieldVerdict.Label(level))}</span>";

    private static string Day(string ts) => ts.Length >= 16 ? ts[..16].Replace('T', ' ') : ts;
}
