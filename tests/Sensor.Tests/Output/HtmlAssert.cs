namespace Sensor.Tests.Output;

/// <summary>What every report Sensor writes for people must hold: nothing that loads or runs from anywhere.</summary>
public static class HtmlAssert
{
    private static readonly string[] Banned =
        ["http:", "https:", "<script", "<link", "src=", "<img", "<iframe", "url(", "@import", "<a "];

    public static void SelfContained(string html)
    {
        foreach (var banned in Banned)
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
    }
}
