using Sensor.Tests.Output;
using Sensor.Core.Output.Html;
using Sensor.Core.Survey;

namespace Sensor.Tests.Survey;

public class SurveyReportHtmlTests
{
    [Fact]
    public void ChartHasABarPerLabelScaledToTheLargest()
    {
        var svg = SvgBarChart.Render("Servers per grade", [new Bar("A", 4, "gA"), new Bar("B", 2, "gB"), new Bar("F", 0, "gF")]);
        Assert.StartsWith("<svg class=\"chart\" role=\"img\"", svg);
        Assert.Contains("aria-label=\"Servers per grade: A: 4, B: 2, F: 0\"", svg);
        Assert.Contains("<rect class=\"bar gA\" x=\"120\" y=\"5\" width=\"310\"", svg);
        Assert.Contains("<rect class=\"bar gB\" x=\"120\" y=\"31\" width=\"155\"", svg);
        Assert.Contains("<rect class=\"bar gF\" x=\"120\" y=\"57\" width=\"0\"", svg);
        Assert.DoesNotContain("xmlns", svg);
    }

    [Fact]
    public void ReportIsSelfContainedWithStatsAndGradeChart()
    {
        var domains = SurveyStatsTests.Fixed().Append(new SurveyDomain("<script>alert(1)</script>.example",
            [SurveyStatsTests.Rec("10.9.9.9:25", "ok", starttls: true, score: 20)])).ToList();
        var html = SurveyReportHtml.Render(new SurveyOutcome("survey-x", "lab <1>", domains, 10, 8, 0, true), new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), "1.2.3");
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("content=\"default-src 'none'; style-src 'unsafe-inline'\"", html);
        Assert.Contains("<figure id=\"grades\"><svg", html);
        Assert.Contains("aria-label=\"Servers per grade: A: 1, B: 0, C: 1, D: 0, E: 1, F: 0\"", html);
        Assert.Contains("<tr><th>Servers with STARTTLS</th><td class=\"n\">4</td></tr>", html);
        // every outcome has its bar, failures of every kind included
        Assert.Contains("aria-label=\"Servers and failures: STARTTLS: 4, no STARTTLS: 1, unreachable: 1, timeout: 1, unresolvable: 1, no mail: 0, other failure: 1\"", html);
        Assert.Contains("<tr><th>Average score</th><td class=\"n\">59.7</td></tr>", html);
        Assert.Contains("<strong>Incomplete:</strong> 8 of 10 domains done", html);
        Assert.Contains("lab &lt;1&gt;", html);
        Assert.Contains("&lt;script&gt;", html);
        HtmlAssert.SelfContained(html);
    }
}
