using Sensor.Core.FieldTest;
using Sensor.Core.Output;
using Sensor.Tests.FieldTest;

namespace Sensor.Tests.Output;

/// <summary>The console text of a field test: the same model as the HTML report, wrapped at spaces, escaped for the terminal.</summary>
public class FieldReportTextTests
{
    private static List<string> Lines(FieldReport report, int width) => [.. FieldReportText.Lines(FieldExplanation.Of(report), width, "r.html")];

    [Fact]
    public void SaysTheHeadlinesThePlaceAndEachStep_InOrder()
    {
        var text = string.Join("\n", Lines(FieldReportHtmlTests.Sample(), 200));
        string[] order =
        [
            "DANGER: Something on this network interferes with mail encryption.",
            "Tested from AS64500 EXAMPLE-NET - Example Networks, NL (public address 192.0.2.1), named 'cafe <wifi>', at 2026-11-29 12:00:00 UTC.",
            "example.org",
            "  \u2716 DANGER: Do not send mail or passwords to example.org from this network until you can use another network, or a VPN or Tor you trust: it removes STARTTLS",
            "  \u2716 port 25, mail between servers (SMTP): DANGER: Your network removes STARTTLS on port 25: mail from here to example.org can be read on the way",
            "      \u2716 STARTTLS offered: no: the list of what the server can do, as it arrived here, has no STARTTLS",
            "      i Where: the change happens 3 hops from here at 198.51.100.7 (AS64501 TRANSIT-EXAMPLE)",
            "  \u2714 port 587, sending mail from a mail program (SMTP submission): OK: Encrypted (TLSv1.3), valid certificate",
            "other.example",
            "Before testing a network: Anyone who watches this network",
            "Report: r.html",
        ];
        var at = -1;
        foreach (var line in order)
        {
            var found = text.IndexOf(line, at + 1, StringComparison.Ordinal);
            Assert.True(found > at, $"missing or out of order: {line}");
            at = found;
        }
    }

    [Theory]
    [InlineData(40)]
    [InlineData(60)]
    [InlineData(80)]
    public void NoLineIsWiderThanTheTerminal_ExceptAWordAloneThatCannotFit(int width)
    {
        foreach (var line in Lines(FieldReportHtmlTests.Sample(), width))
            Assert.True(line.Length <= width || !line.Trim().Contains(' '), $"'{line}' is wider than {width}");
    }

    [Fact]
    public void EveryWordOfTheUnwrappedTextSurvivesTheWrapping()
    {
        static string[] Words(IEnumerable<string> lines) => string.Join(" ", lines).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Words(Lines(FieldReportHtmlTests.Sample(), 10_000)), Words(Lines(FieldReportHtmlTests.Sample(), 40)));
    }

    [Fact]
    public void AHostileBannerCannotDriveTheTerminal()
    {
        var here = FieldProbes.Absent("local", banner: "220 evil\u001b[2J\r\nforged line");
        var report = new FieldReport(DateTime.UnixEpoch, "local", "1.2.3", [new FieldTarget("example.org", [new FieldRow(here, [], FieldVerdict.Judge("example.org", here, []))])]);
        var text = string.Join("\n", Lines(report, 200));
        Assert.Contains("the server answered \"220 evil\\x1b[2J\\x0d\\x0aforged line\"", text);
        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("Tested from this network, named 'local'", text);
    }
}
