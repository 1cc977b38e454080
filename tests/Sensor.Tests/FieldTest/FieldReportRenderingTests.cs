using Sensor.Core.Output.Html;

namespace Sensor.Tests.FieldTest;

/// <summary>The HTML report rendered by headless chromium, checked for what a person would see.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FieldReportRenderingTests
{
    [ChromiumFact]
    public void ChromiumShowsTheHeadlinesTheStepsAndTheHostileBannerAsText()
    {
        var dir = Cli.SensorProcess.TempDir();
        var file = Path.Combine(dir, "report.html");
        File.WriteAllText(file, FieldReportHtml.Render(FieldReportHtmlTests.Sample()));

        var dom = Chromium.DumpDom(file);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        var text = Chromium.VisibleText(dom);
        Assert.Contains("Tested from AS64500 EXAMPLE-NET - Example Networks, NL (public address 192.0.2.1) , named \u201ccafe <wifi>\u201d, at 2026-11-29 12:00:00 UTC with sensor 1.2.3.", text);
        Assert.Contains("\u2716 DANGER Something on this network interferes with mail encryption.", text);
        Assert.Contains("\u2716 DANGER Do not send mail or passwords to example.org from this network until you can use another network, or a VPN or Tor you trust: it removes STARTTLS", text);
        Assert.Contains("Port 25 : mail between servers (SMTP) \u2716 DANGER Your network removes STARTTLS on port 25: mail from here to example.org can be read on the way", text);
        Assert.Contains("\u2714 Connection to port 25: the server answered \"220 <script>alert(1)</script> <img src=x onerror=alert(2)>", text);
        Assert.Contains("\u2716 STARTTLS offered: no: the list of what the server can do, as it arrived here, has no STARTTLS", text);
        Assert.Contains("What elsewhere saw abroad (2026-11-28 10:00): STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384", text);
        Assert.Contains("Port 587 : sending mail from a mail program (SMTP submission)", text);
        Assert.Contains("Before you test a network Anyone who watches this network", text);
        var png = Path.Combine(dir, "report.png");
        Chromium.AssertScreenshot(file, png);
        File.Copy(png, Path.Combine(Path.GetTempPath(), "sensor-fieldtest-report.png"), overwrite: true);
    }
}
