using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sensor.Tests.FieldTest;

/// <summary>What chromium's layout of a page said: the viewport width, how many words were measured, and every problem found.</summary>
internal sealed record LayoutResult(int Width, int Words, int Keywords, List<string> Problems);

/// <summary>
/// Lays a page out in headless chromium at a given width and measures it with a script injected in a
/// test copy (the report itself carries none, and its content policy would block one): no element
/// may reach past the viewport, and every word (a run of letters and digits) outside a
/// <c>.token</c> must sit in one box (Range.getClientRects().length == 1): a word cut at the end of a
/// line gives two. The script writes its findings into the DOM, read back with --dump-dom.
/// </summary>
internal static partial class ChromiumLayout
{
    private const string Script = """
        <script>
        (function () {
          var width = document.documentElement.clientWidth, problems = [], words = 0, keywords = 0;
          if (document.documentElement.scrollWidth > width)
            problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
          document.querySelectorAll('body *').forEach(function (e) {
            var r = e.getBoundingClientRect();
            if (r.width > 0 && r.right > width + 0.5)
              problems.push('<' + e.tagName.toLowerCase() + ' class="' + e.className + '"> reaches ' + Math.round(r.right) + ' px: ' + e.textContent.slice(0, 60));
          });
          var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), node;
          while ((node = walker.nextNode())) {
            if (node.parentElement.closest('.token, script, style')) continue;
            var re = /[A-Za-z0-9]+/g, m;
            while ((m = re.exec(node.data))) {
              var range = document.createRange();
              range.setStart(node, m.index);
              range.setEnd(node, m.index + m[0].length);
              var boxes = range.getClientRects().length;
              words++;
              if (m[0] === 'STARTTLS') keywords++;
              if (boxes !== 1) problems.push('"' + m[0] + '" is laid out in ' + boxes + ' boxes');
            }
          }
          var out = document.createElement('pre');
          out.id = 'layout-result';
          out.textContent = JSON.stringify({ width: width, words: words, keywords: keywords, problems: problems });
          parent.document.body.appendChild(out);
        })();
        </script>
        """;

    /// <param name="html">the page</param>
    /// <param name="width">the viewport width in CSS pixels</param>
    /// <param name="print">lay the page out with its print stylesheet (its @media print rules applied on screen)</param>
    /// <remarks>
    /// Headless chromium will not make a window narrower than 500 px, so the page is laid out in an
    /// iframe of the width asked (srcdoc: same origin, so the script in it can write its result into
    /// the outer page that --dump-dom serialises); scrollbars are hidden so they take no width.
    /// </remarks>
    public static LayoutResult Measure(string html, int width, bool print = false)
    {
        var copy = ContentPolicy().Replace(html, "");
        if (print)
            copy = copy.Replace("@media print{", "@media all{", StringComparison.Ordinal);
        var dom = Chromium.DumpDom(Framed(copy.Replace("</body>", Script + "</body>", StringComparison.Ordinal), width), Math.Max(width + 100, 800));
        var match = Result().Match(dom);
        Assert.True(match.Success, "the layout script wrote no result");
        var json = System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new LayoutResult(root.GetProperty("width").GetInt32(), root.GetProperty("words").GetInt32(), root.GetProperty("keywords").GetInt32(),
            [.. root.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!)]);
    }

    /// <summary>A file that shows <paramref name="html"/> in an iframe <paramref name="width"/> px wide (a phone's viewport); its path.</summary>
    public static string Framed(string html, int width)
    {
        var outer = $"<!DOCTYPE html><html><body style=\"margin:0\"><iframe style=\"border:0;width:{width}px;height:3000px\" srcdoc=\"{System.Net.WebUtility.HtmlEncode(html)}\"></iframe></body></html>";
        var file = Path.Combine(Cli.SensorProcess.TempDir(), "framed.html");
        File.WriteAllText(file, outer);
        return file;
    }

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\"[^>]*>")]
    private static partial Regex ContentPolicy();

    [GeneratedRegex("<pre id=\"layout-result\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex Result();
}
