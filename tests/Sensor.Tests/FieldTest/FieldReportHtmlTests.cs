using Sensor.Tests.Output;
using Sensor.Core.FieldTest;
using Sensor.Core.Output.Html;
using Sensor.Core.Probing.Dns;
using static Sensor.Tests.FieldTest.FieldProbes;

namespace Sensor.Tests.FieldTest;

/// <summary>The HTML report: self-contained, encoded, worst first.</summary>
public class FieldReportHtmlTests
{
    public const string HostileBanner = "220 <script>alert(1)</script> <img src=x onerror=alert(2)> <link rel=stylesheet href=https://evil.example/x.css> http://evil.example/";

    public static readonly NetworkOrigin Network = new("192.0.2.1", 64500, "EXAMPLE-NET - Example Networks, NL", "192.0.2.0/24", "NL");

    /// <summary>
    /// A report from AS64500 with a stripped port 25 (hostile banner, located 3 hops away), an encrypted
    /// 587, an unreachable 465, a 993 showing another certificate than abroad sees, and a second
    /// target with nothing to compare.
    /// </summary>
    public static FieldReport Sample()
    {
        var stripped = Absent("local", banner: HostileBanner);
        var abroad = Ok("abroad");
        var rows = new List<FieldRow>
        {
            Row(Ok("local", 587, trusted: true), [Ok("abroad", 587, trusted: true)]),
            Row(stripped, [abroad]) with { Hop = new FieldHop(3, "198.51.100.7", "AS64501 TRANSIT-EXAMPLE") },
            Row(FieldProbes.Unreachable("local", 465), []),
            Row(Ok("local", 993, "imap", cert: CertB, trusted: true, implicitTls: true), [Ok("abroad", 993, "imap", cert: CertA, trusted: true, implicitTls: true)]),
        };
        var other = Absent("local");
        other.Target = "other.example:25";
        return new FieldReport(new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc), "cafe <wifi>", "1.2.3",
        [
            new FieldTarget("example.org", rows),
            new FieldTarget("other.example", [Row(other, [], "other.example")]),
        ]) { Network = Network };
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
    public void DnsAnswersThatDifferHaveTheirOwnList_AndNoneMeansNoList()
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
        dns = dns[..dns.IndexOf("</ul>", StringComparison.Ordinal)];
        // what came from the wire or a resolver is encoded as every wire string is (':' and '=' too)
        Assert.Contains("\u2716</span><strong>A/AAAA lookup of mx.example.org:</strong> ", dns);
        Assert.Contains(HtmlText.Wire("could not look up mx.example.org (NXDOMAIN from 192.0.2.53:53) here, but "), dns);
        Assert.Contains(" at socks5&#58;//&lt;proxy&gt;&#58;1080 (", dns);
        HtmlAssert.SelfContained(html);
    }

    [Fact]
    public void ReportReferencesNothingOutside()
    {
        var html = FieldReportHtml.Render(Sample());
        HtmlAssert.SelfContained(html);
    }

    [Fact]
    public void SummaryHasAHeadlinePerTargetThatSaysWhatToDo_WorstFirst()
    {
        var html = FieldReportHtml.Render(Sample());
        var summary = html[html.IndexOf("id=\"summary\"", StringComparison.Ordinal)..html.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("DANGER</span> Something on this network interferes with mail encryption.", summary);
        var advice = HtmlText.Wire("Do not send mail or passwords to example.org from this network until you can use another network, or a VPN or Tor you trust: "
            + "it removes STARTTLS (the server's offer to encrypt) on port 25; it shows a certificate that is not the server's (someone may be reading the encrypted traffic) on port 993.");
        var other = HtmlText.Wire("Mail to other.example travels unencrypted from here on port 25, and nothing was compared to tell whether this network or the server is to blame: "
            + "treat what you send that way as readable by others.");
        Assert.Contains(advice, summary);
        Assert.True(summary.IndexOf(advice, StringComparison.Ordinal) < summary.IndexOf(other, StringComparison.Ordinal), "the interference comes before the lesser finding");
        Assert.DoesNotContain("valid certificate", summary);
    }

    [Fact]
    public void ThePlaceIsNamedByItsNetwork()
    {
        var html = FieldReportHtml.Render(Sample());
        Assert.Contains("Tested from <strong>AS64500 EXAMPLE-NET - Example Networks, NL (public address 192.0.2.1)</strong>, named \u201ccafe &lt;wifi&gt;\u201d, at 2026-11-29 12:00:00 UTC with sensor 1.2.3.", html);
        var unnamed = FieldReportHtml.Render(Sample() with { Network = null });
        Assert.Contains("Tested from <strong>this network</strong>", unnamed);
    }

    [Fact]
    public void EachPortSaysWhatEachStepChecked_AndTheHopWhenLocated()
    {
        var html = FieldReportHtml.Render(Sample());
        var port25 = html[html.IndexOf("Port 25</span>", StringComparison.Ordinal)..];
        port25 = port25[..port25.IndexOf("</section>", StringComparison.Ordinal)];
        string[] steps =
        [
            "\u2714</span><strong>DNS lookup:</strong> example.org is at 192.0.2.10",
            "\u2714</span><strong>Connection to port 25:</strong> the server answered &quot;220 &lt;script&gt;",
            "\u2716</span><strong>STARTTLS offered:</strong> no&#58; the list of what the server can do, as it arrived here, has no STARTTLS",
            "\u2013</span><strong>TLS completed:</strong> not tried",
            "\u2013</span><strong>Certificate:</strong> none without TLS",
            "\u2716</span><strong>Comparison with elsewhere:</strong> different&#58; abroad saw STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384",
            "i</span><strong>Where:</strong> the change happens 3 hops from here at 198.51.100.7 (AS64501 TRANSIT-EXAMPLE)",
        ];
        var at = 0;
        foreach (var step in steps)
        {
            var found = port25.IndexOf(step, at, StringComparison.Ordinal);
            Assert.True(found > at, $"step missing or out of order: {step}");
            at = found;
        }
        Assert.Contains("mail between servers (SMTP)", port25);
        Assert.Contains("<dt>What elsewhere saw</dt><dd class=\"wire\">abroad (2026-11-28 10&#58;00)&#58; STARTTLS offered, TLSv1.3 TLS_AES_256_GCM_SHA384</dd>", port25);
        // no hop, no line about one
        var port587 = html[html.IndexOf("Port 587</span>", StringComparison.Ordinal)..];
        Assert.DoesNotContain("Where:", port587[..port587.IndexOf("</section>", StringComparison.Ordinal)]);
    }

    [Fact]
    public void OnlyLongTokensMayBreak_AndNoRuleBreaksWords()
    {
        var html = FieldReportHtml.Render(Sample());
        Assert.Contains($"<span class=\"token\">{CertB})</span>", html);
        Assert.DoesNotContain("word-break", html);
        Assert.Contains(".token{overflow-wrap:anywhere}", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "overflow-wrap:anywhere"));
        Assert.Contains("@media print{", html);
        Assert.DoesNotContain("<table", html);
    }

    [Fact]
    public void TheRiskNoteAndTheVersionAreInTheReport()
    {
        var html = FieldReportHtml.Render(Sample());
        Assert.Contains("<h2>Before you test a network</h2><p>Anyone who watches this network", html);
        Assert.Contains("2026-11-29 12&#58;00&#58;00 UTC", html.Replace("12:00:00", "12&#58;00&#58;00"));
        Assert.Contains("sensor 1.2.3", html);
        Assert.Contains("A (93)", html);
        Assert.Contains("no result from elsewhere", html);
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
        var network = root.GetProperty("network");
        Assert.Equal(("192.0.2.1", 64500, "EXAMPLE-NET - Example Networks, NL", "192.0.2.0/24", "NL"), (network.GetProperty("public_address").GetString(),
            network.GetProperty("asn").GetInt32(), network.GetProperty("as_name").GetString(), network.GetProperty("prefix").GetString(), network.GetProperty("country").GetString()));
        var hop = root.GetProperty("hop");
        Assert.Equal((3, "198.51.100.7", "AS64501 TRANSIT-EXAMPLE"), (hop.GetProperty("distance").GetInt32(), hop.GetProperty("address").GetString(), hop.GetProperty("network").GetString()));
        var clean = FieldtestRecord.From(report with { Network = null }, target, target.Rows[0]).ToJsonLine();
        Assert.Contains("\"network\":null,\"hop\":null,", clean);
        Assert.DoesNotContain("\n", line);
    }
}
