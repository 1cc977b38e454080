using Sensor.Core.Output.Html;

namespace Sensor.Tests.FieldTest;

/// <summary>
/// The HTML report laid out by headless chromium on a phone (360 px), on a desktop and with its print
/// stylesheet: nothing reaches past the page and no word is cut at a line's end ("STARTTL" / "S").
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FieldReportLayoutTests
{
    private static readonly string Report = FieldReportHtml.Render(FieldReportHtmlTests.Sample());

    [ChromiumFact]
    public void OnAPhoneNoWordIsBrokenAndNothingIsWiderThanTheScreen()
    {
        var layout = ChromiumLayout.Measure(Report, 360);
        Assert.Equal(360, layout.Width);
        Assert.True(layout.Words > 400, $"only {layout.Words} words measured");
        Assert.True(layout.Keywords >= 5, $"only {layout.Keywords} STARTTLS measured");
        Assert.Empty(layout.Problems);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "sensor-fieldtest-report.html"), Report);
        var png = Path.Combine(Path.GetTempPath(), "sensor-fieldtest-report-360.png");
        Chromium.Screenshot(ChromiumLayout.Framed(Report, 360), png, 500, 3000);
        Assert.True(new FileInfo(png).Length > 10_000);
    }

    [ChromiumFact]
    public void OnADesktopToo()
    {
        var layout = ChromiumLayout.Measure(Report, 1200);
        Assert.Equal(1200, layout.Width);
        Assert.Empty(layout.Problems);
    }

    [ChromiumFact]
    public void PrintedOnAPageNoWordIsBroken()
    {
        // an A4 page's printable width at 96 px per inch with chromium's default margins is about 720 px
        var layout = ChromiumLayout.Measure(Report, 720, print: true);
        Assert.Empty(layout.Problems);
        var pdf = Path.Combine(Cli.SensorProcess.TempDir(), "report.pdf");
        Chromium.PrintToPdf(WriteReport(), pdf);
        var bytes = File.ReadAllBytes(pdf);
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);
        Assert.True(bytes.Length > 10_000, $"the PDF is {bytes.Length} bytes");
    }

    /// <summary>The measurement can fail: a word cut by word-break and a cell wider than the screen are both caught.</summary>
    [ChromiumFact]
    public void TheMeasurementCatchesABrokenWordAndAnOverflow()
    {
        const string page = "<!DOCTYPE html><html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>"
            + "<div style=\"width:40px;word-break:break-all\">STARTTLS offered</div>"
            + "<table><tr><td>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</td></tr></table></body></html>";
        var layout = ChromiumLayout.Measure(page, 360);
        Assert.Contains(layout.Problems, p => p.StartsWith("\"STARTTLS\" is laid out in ", StringComparison.Ordinal));
        Assert.Contains(layout.Problems, p => p.StartsWith("<td class=\"\"> reaches ", StringComparison.Ordinal));
    }

    private static string WriteReport()
    {
        var file = Path.Combine(Cli.SensorProcess.TempDir(), "report.html");
        File.WriteAllText(file, Report);
        return file;
    }
}
