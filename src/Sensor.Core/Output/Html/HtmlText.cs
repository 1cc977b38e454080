using System.Net;

namespace Sensor.Core.Output.Html;

/// <summary>Text into HTML. Everything that came from the wire or from a person goes through here.</summary>
public static class HtmlText
{
    /// <summary>HTML-encodes (&lt; &gt; &amp; " ').</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>
    /// Encodes text a server sent (banners, replies, errors, names): attacker-controlled. Besides the
    /// HTML encoding, ':' becomes an entity so no viewer or mail program that turns "scheme://" text
    /// into a link finds one, and the report never holds a URL at all.
    /// </summary>
    public static string Wire(string? text) => Encode(text).Replace(":", "&#58;");
}
