using System.Net;

namespace Sensor.Core.Output.Html;

/// <summary>Text into HTML. Everything that came from the wire or from a person goes through here.</summary>
public static class HtmlText
{
    /// <summary>HTML-encodes (&lt; &gt; &amp; " ').</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>
    /// Encodes text a server sent (banners, replies, errors, names): attacker-controlled. Besides the
    /// HTML encoding, ':' and '=' become entities, so no viewer or mail program that turns "scheme://"
    /// text into a link finds one, and not even the encoded text of a hostile banner reads as
    /// "src=..." or a URL to a scanner of the file. It shows the same in a browser.
    /// </summary>
    public static string Wire(string? text) => Encode(text).Replace(":", "&#58;").Replace("=", "&#61;");
}
