using System.Globalization;
using System.Text.Json;
using Sensor.Tests.FieldTest;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Survey;

/// <summary>The report of a real loopback survey, rendered by headless chromium and read as a person would.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class SurveyReportRenderingTests
{
    [Fact]
    public void ChromiumShowsTheFiguresTheChartsAndEveryDomain()
    {
        using var servers = new SurveyLoopback();
        var dir = TempDir();
        var list = Path.Combine(dir, "list.txt");
        File.WriteAllText(list, $"127.0.0.1:25\n127.0.0.1:587\n{servers.Silent[0]}\n{servers.Refused}\n");
        var report = Path.Combine(dir, "survey.html");
        var run = Run("survey", list, "--json", "--timeout", "1", "--no-db", "--vantage", "lab", "--report", report);
        Assert.Equal(0, run.ExitCode);
        var stats = JsonDocument.Parse(run.StdoutLines[^1]).RootElement;
        var average = stats.GetProperty("average_score").GetDouble().ToString("0.0", CultureInfo.InvariantCulture);

        var dom = Chromium.DumpDom(report);
        var text = Chromium.VisibleText(dom);
        Assert.Contains("Mail server survey From lab at ", text);
        Assert.Contains("Domains processed 4 of 4", text);
        Assert.Contains("Unique servers reached 2", text);
        Assert.Contains("Servers rated 2", text);
        Assert.Contains("Servers with STARTTLS 2", text);
        Assert.Contains("Servers without STARTTLS 0", text);
        Assert.Contains($"Average score {average}", text);
        Assert.Contains("Unreachable 1", text);
        Assert.Contains("Timeouts 1", text);
        Assert.DoesNotContain("Incomplete", text);
        // the charts (title, then each bar's label and number, drawn as text beside the bar)
        Assert.Contains("Grade spread Servers per grade A 2 B 0 C 0 D 0 E 0 F 0", text);
        Assert.Contains("STARTTLS and failures Servers and failures STARTTLS 2 no STARTTLS 0 unreachable 1 timeout 1", text);
        Assert.Contains("<figure id=\"grades\"><svg class=\"chart\" role=\"img\"", dom);
        Assert.Contains("<rect class=\"bar gA\" x=\"120\" y=\"5\" width=\"310\"", dom);
        // a row per server: the entry, the name the server gave in its banner, what happened
        Assert.Contains("127.0.0.1:25 mail.example.test ok TLSv1.3 A (97)", text);
        Assert.Contains("127.0.0.1:587 mail.example.test ok TLSv1.3 A (97)", text);
        Assert.Contains($"{servers.Refused} {servers.Refused} unreachable", text);
        Assert.Contains($"{servers.Silent[0]} {servers.Silent[0]} timeout", text);

        Chromium.AssertScreenshot(report, Path.Combine(dir, "survey.png"));
    }
}
