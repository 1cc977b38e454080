using Sensor.Core.Output.Html;

namespace Sensor.Tests.FieldTest;

/// <summary>The HTML report rendered by headless chromium, checked for what a person would see.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FieldReportRenderingTests
{
    [Fact]
    public void ChromiumShowsTheVerdictTheTableAndTheHostileBannerAsText()
    {
        var dir = Cli.SensorProcess.TempDir();
        var file = Path.Combine(dir, "report.html");
        File.WriteAllText(file, FieldReportHtml.Render(FieldReportHtmlTests.Sample()));

        var dom = Chromium.DumpDom(file);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        var text = Chromium.VisibleText(dom);
        Assert.Contains("Something on this network interferes with mail encryption.", text);
        Assert.Contains("DANGER example.org: Your network removes STARTTLS on port 25: mail from here to example.org can be read on the way", text);
        Assert.Contains("Port Protocol Server What here saw What elsewhere saw Verdict Grade", text);
        Assert.Contains("25 SMTP 192.0.2.10:25 220 <script>alert(1)</script> <img src=x onerror=alert(2)>", text);
        Assert.Contains("abroad (2026-11-28 10:00): STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384", text);
        Assert.Contains("587 SMTP submission", text);
        Assert.Contains("Tested from cafe <wifi> at 2026-11-29 12:00:00 UTC with sensor 1.2.3.", text);

        var png = Path.Combine(dir, "report.png");
        Chromium.AssertScreenshot(file, png);
        File.Copy(png, Path.Combine(Path.GetTempPath(), "sensor-fieldtest-report.png"), overwrite: true);
    }
}
