using Sensor.Tests.Output;
using Sensor.Core.FieldTest;
using Sensor.Core.Output.Html;
using static Sensor.Tests.FieldTest.FieldProbes;

namespace Sensor.Tests.FieldTest;

/// <summary>The HTML report: self-contained, encoded, worst first.</summary>
public class FieldReportHtmlTests
{
    public const string HostileBanner = "220 <script>alert(1)</script> <img src=x onerror=alert(2)> <link rel=stylesheet href=https://evil.example/x.css> http://evil.example/";

    /// <summary>A report with a stripped port 25 (hostile banner), an encrypted 587, an unreachable 465 and a second target with nothing to compare.</summary>
    public static FieldReport Sample()
    {
        var stripped = Absent("local", banner: HostileBanner);
        var abroad = Ok("abroad");
        var rows = new List<FieldRow>
        {
            Row(Ok("local", 587, trusted: true), [Ok("abroad", 587, trusted: true)]),
            Row(stripped, [abroad]),
            Row(FieldProbes.Unreachable("local", 465), []),
        };
        var other = Absent("local");
        other.Target = "other.example:25";
        return new FieldReport(new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc), "cafe <wifi>", "1.2.3",
        [
            new FieldTarget("example.org", rows),
            new FieldTarget("other.example", [Row(other, [], "other.example")]),
        ]);
    }

    private static FieldRow Row(Sensor.Core.Output.ProbeRecord here, List<Sensor.Core.Output.ProbeRecord> elsewhere, string host = "example.org") =>
        new(here, elsewhere, FieldVerdict.Judge(host, here, elsewhere));

    [Fact]
    public void HostileBannerIsShownAsTextNeverAsMarkup()
    {
        var html = FieldReportHtml.Render(Sample());
        Assert.Contains("220 &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src&#61;x onerror&#61;alert(2)&gt;", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cafe &lt;wifi&gt;", html);
    }

    [Fact]
    public void DnsAnswersThatDifferHaveTheirOwnTable_AndNoneMeansNoTable()
    {
        Assert.DoesNotContain("id=\"dns\"", FieldReportHtml.Render(Sample()));
        var here = FieldProbes.Unreachable("local", outcome: "unresolvable");
        here.Target = "mx.example.org:25";
        here.Error = "could not look up mx.example.org (NXDOMAIN from 192.0.2.53:53)";
        var there = Ok("socks5://<proxy>:1080");
        there.Target = "mx.example.org:25";
        var report = Sample() with { Dns = Sensor.Core.CrossCheck.DnsComparison.Compare([here], [there]) };
        var html = FieldReportHtml.Render(report);
        var dns = html[html.IndexOf("id=\"dns\"", StringComparison.Ordinal)..];
        dns = dns[..dns.IndexOf("</table>", StringComparison.Ordinal)];
        // what came from the wire or a resolver is encoded as every wire string is (':' and '=' too)
        Assert.Contains(HtmlText.Wire("A/AAAA mx.example.org"), dns);
        Assert.Contains(HtmlText.Wire("could not look up mx.example.org (NXDOMAIN from 192.0.2.53:53)"), dns);
        Assert.Contains("socks5&#58;//&lt;proxy&gt;&#58;1080&#58; ", dns);
        Assert.Contains("DANGER</span> dns-tampering/nxdomain: ", dns);
        HtmlAssert.SelfContained(html);
    }

    [Fact]
    public void ReportReferencesNothingOutside()
    {
        var html = FieldReportHtml.Render(Sample());
        HtmlAssert.SelfContained(html);
    }

    [Fact]
    public void SummaryPutsTheWorstFindingFirstWithAWord()
    {
        var html = FieldReportHtml.Render(Sample());
        var summary = html[html.IndexOf("id=\"summary\"", StringComparison.Ordinal)..html.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("DANGER", summary);
        Assert.Contains("Something on this network interferes with mail encryption.", summary);
        var stripped = summary.IndexOf("Your network removes STARTTLS on port 25", StringComparison.Ordinal);
        var absent = summary.IndexOf("No encryption on port 25 from here", StringComparison.Ordinal);
        Assert.True(stripped > 0 && absent > stripped, "the interference comes before the lesser finding");
        Assert.DoesNotContain("valid certificate", summary);
    }

    [Fact]
    public void TablesCarryEveryPortTimeVantageAndVersion()
    {
        var html = FieldReportHtml.Render(Sample());
        Assert.Contains("<th>What here saw</th><th>What elsewhere saw</th><th>Verdict</th><th>Grade</th>", html);
        Assert.Contains("2026-11-29 12:00:00 UTC", html);
        Assert.Contains("sensor 1.2.3", html);
        Assert.Contains("abroad (2026-11-28 10&#58;00)&#58; STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384", html);
        Assert.Contains("no result from elsewhere", html);
        Assert.Contains("A (93)", html);
        Assert.Equal(2, html.Split("<table>").Length - 1);
    }

    [Fact]
    public void JsonRecordCarriesTheVerdictAndBothSides()
    {
        var report = Sample();
        var target = report.Targets[0];
        var line = FieldtestRecord.From(report, target, target.Rows[1]).ToJsonLine();
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal("fieldtest", root.GetProperty("type").GetString());
        Assert.Equal("interference", root.GetProperty("level").GetString());
        Assert.Equal("Your network removes STARTTLS on port 25: mail from here to example.org can be read on the way", root.GetProperty("summary").GetString());
        Assert.Equal("probe", root.GetProperty("here").GetProperty("type").GetString());
        Assert.Equal("abroad", root.GetProperty("elsewhere")[0].GetProperty("vantage").GetString());
        Assert.DoesNotContain("\n", line);
    }
}
