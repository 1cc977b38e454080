using System.Text;

namespace Sensor.Core.Output.Html;

/// <summary>
/// The skeleton of a self-contained report: a content policy that loads nothing (inline CSS only,
/// no scripts, fonts or images), UTF-8, a viewport, the encoded title and the page's own CSS.
/// </summary>
public static class HtmlPage
{
    public const string ContentPolicy = "default-src 'none'; style-src 'unsafe-inline'";

    public static StringBuilder Begin(string title, string css) => new StringBuilder()
        .Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentPolicy).Append("\">")
        .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .Append("<title>").Append(HtmlText.Encode(title)).Append("</title><style>").Append(css).Append("</style></head><body>\n");

    public static string End(StringBuilder html) => html.Append("</body></html>\n").ToString();
}
