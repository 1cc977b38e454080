using System.Globalization;
using System.Text;

namespace Sensor.Core.Output.Html;

/// <summary>One bar: its label, its value and a CSS class for its colour.</summary>
public sealed record Bar(string Label, int Value, string? CssClass = null);

/// <summary>
/// A horizontal bar chart drawn here as inline SVG (no xmlns or links needed inside HTML): a bar per
/// label, scaled to the largest value, each with its label and number as text, so the chart reads
/// the same without colour and in a screen reader (role="img" with the figures in its label).
/// </summary>
public static class SvgBarChart
{
    public const int Width = 480;
    public const int RowHeight = 26;
    private const int LabelWidth = 120;
    private const int NumberWidth = 50;

    public static string Render(string title, IReadOnlyList<Bar> bars)
    {
        var max = Math.Max(1, bars.Count == 0 ? 0 : bars.Max(b => b.Value));
        var height = Math.Max(1, bars.Count) * RowHeight + 4;
        var span = Width - LabelWidth - NumberWidth;
        var summary = string.Join(", ", bars.Select(b => $"{b.Label}: {b.Value}"));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" aria-label=\"")
            .Append(HtmlText.Encode($"{title}: {summary}")).Append("\"><title>").Append(HtmlText.Encode(title)).Append("</title>\n");
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = i * RowHeight + 2;
            var length = bar.Value == 0 ? 0 : Math.Max(2, (int)Math.Round((double)bar.Value / max * span));
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 8}\" y=\"{y + 17}\" text-anchor=\"end\">").Append(HtmlText.Encode(bar.Label)).Append("</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar {HtmlText.Encode(bar.CssClass ?? "")}\" x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{length}\" height=\"{RowHeight - 6}\"></rect>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + length + 6}\" y=\"{y + 17}\">{bar.Value}</text>\n");
        }
        return svg.Append("</svg>").ToString();
    }
}
