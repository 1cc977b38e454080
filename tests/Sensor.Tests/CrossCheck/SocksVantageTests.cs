using System.Text.Json;
using Sensor.Core.Output;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// The lab of socks-lab.sh: "here", the path from here (stripping STARTTLS or not) with here's resolver
/// (truthful or saying NXDOMAIN for the mail host), a real dante SOCKS5 server with its own truthful
/// resolver, and the server's side in front of the loopback postfix.
/// </summary>
/// <param name="path">strip: the STARTTLS-stripping proxy sits on the path from here; direct: nothing there</param>
/// <param name="dns">honest: here's resolver answers as the proxy's does; lying: it says NXDOMAIN for mx.lab.test</param>
public sealed class SocksLab(string path, string dns) : NamespaceLab("socks-lab.sh", "dnsvantage", path, dns)
{
    public const string Proxy = "socks5://10.78.4.1:1080";

    /// <summary>The sensor, run in "here".</summary>
    public SensorRun Sensor(params string[] args) => SensorProcess.RunInNamespace($"{Prefix}-l", args);
}

/// <summary>
/// A SOCKS5 proxy as a vantage (`--via socks5://HOST:PORT`), through a real dante in its own namespace:
/// when the path from here strips STARTTLS and the proxy's does not, the field test says the network
/// interferes and the cross-check says interference-on-path; with nothing on the path, nothing is said.
/// DNS is a vantage too: a resolver here that denies the mail host the proxy resolves is a
/// dns-tampering finding, and the failed lookup is said as one, never as a blocked port.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class SocksVantageTests
{
    private static List<JsonElement> Lines(SensorRun run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        return [.. run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)];
    }

    private static List<JsonElement> OfType(List<JsonElement> lines, string type) =>
        [.. lines.Where(l => l.GetProperty("type").GetString() == type)];

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).GetString();

    [Fact]
    public void StrippedOnThePathButNotThroughTheProxy_TheFieldTestSaysTheNetworkInterferes()
    {
        using var lab = new SocksLab(path: "strip", dns: "honest");
        var lines = Lines(lab.Sensor("fieldtest", "10.78.0.1:25", "--no-db", "--json", "--timeout", "3", "--via", SocksLab.Proxy));

        var row = Assert.Single(lines);
        Assert.Equal(("interference", "Your network removes STARTTLS on port 25: mail from here to 10.78.0.1 can be read on the way"),
            (Text(row, "level"), Text(row, "summary")));
        Assert.Equal(("local", "starttls-absent"), (Text(row.GetProperty("here"), "vantage"), Text(row.GetProperty("here"), "outcome")));
        var there = Assert.Single(row.GetProperty("elsewhere").EnumerateArray());
        // dante connects out from its external address: the exit, learned from the CONNECT reply
        Assert.Equal((SocksLab.Proxy, "ok", true, "10.78.2.2", "220 mail.example.test ESMTP Postfix (Debian/GNU)"),
            (Text(there, "vantage"), Text(there, "outcome"), there.GetProperty("starttls_offered").GetBoolean(), Text(there, "exit"), Text(there, "banner")));
    }

    [Fact]
    public void StrippedOnThePathButNotThroughTheProxy_TheCrossCheckSaysInterferenceOnPath()
    {
        using var lab = new SocksLab(path: "strip", dns: "honest");
        var capture = lab.CaptureSessions();
        var lines = Lines(lab.Sensor("replay", capture, "--json", "--no-db", "--crosscheck", "--crosscheck-timeout", "3", "--via", SocksLab.Proxy));

        var verdict = JsonSerializer.Deserialize(Assert.Single(OfType(lines, "verdict")).GetRawText(), RecordJsonContext.Default.VerdictRecord)!;
        Assert.Equal(("interference-on-path", "10.78.0.1:25", 0.6, 1, 1), (verdict.Verdict, verdict.Server, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal([("local", "starttls-absent", true), (SocksLab.Proxy, "ok", false)],
            verdict.Probes.OrderBy(p => p.Vantage, StringComparer.Ordinal).Select(p => (p.Vantage, p.Outcome, p.SamePath)));
        Assert.Equal($"The capture saw starttls-stripped/removed, but 3 of 3 connections from {SocksLab.Proxy} saw 10.78.0.1:25 offer STARTTLS and complete TLS: "
            + "something on the path took it away. Not counted, as they cross the capture's own path: 3 connection(s) from local (3 saw no STARTTLS)", verdict.Summary);
    }

    [Fact]
    public void WithNothingOnThePathOrInDns_BothVantagesAgreeAndNothingIsFound()
    {
        using var lab = new SocksLab(path: "direct", dns: "honest");
        var field = Lines(lab.Sensor("fieldtest", "lab.test", "--proto", "smtp", "--no-db", "--json", "--timeout", "3", "--via", SocksLab.Proxy));
        var row = Assert.Single(field);
        Assert.Equal(("encrypted", "Encrypted (TLSv1.3), certificate not checked by most senders"), (Text(row, "level"), Text(row, "summary")));
        Assert.Equal(("10.78.0.1:25", "mx.lab.test:25"), (Text(row.GetProperty("here"), "server"), Text(row.GetProperty("here"), "target")));

        var probe = Lines(lab.Sensor("probe", "lab.test", "--no-db", "--json", "--timeout", "3", "--via", SocksLab.Proxy));
        Assert.Empty(OfType(probe, "finding"));
        Assert.Equal([("local", "10.78.0.1:25", "ok"), (SocksLab.Proxy, null, "ok")],
            OfType(probe, "probe").Select(p => (Text(p, "vantage"), Text(p, "server"), Text(p, "outcome"))));
    }

    [Fact]
    public void AResolverHereThatDeniesTheMailHostTheProxyResolves_IsDnsTampering()
    {
        using var lab = new SocksLab(path: "direct", dns: "lying");
        var lines = Lines(lab.Sensor("probe", "lab.test", "--no-db", "--json", "--timeout", "3", "--via", SocksLab.Proxy));

        var here = OfType(lines, "probe").Single(p => Text(p, "vantage") == "local");
        const string denied = "MX mx.lab.test (preference 10) of lab.test: could not look up mx.lab.test (NXDOMAIN from 10.78.1.1:53)";
        Assert.Equal(("unresolvable", denied), (Text(here, "outcome"), Text(here, "error")));
        var finding = Assert.Single(OfType(lines, "finding"));
        Assert.Equal(("dns-tampering", "nxdomain", "high", 0.8, "mx.lab.test", 25),
            (Text(finding, "kind"), Text(finding, "variant"), Text(finding, "severity"), finding.GetProperty("confidence").GetDouble(),
             Text(finding, "server_name"), finding.GetProperty("dest_port").GetInt32()));
        var evidence = finding.GetProperty("evidence");
        Assert.Equal(("mx.lab.test", "A/AAAA", denied, "reached by name through the proxy", SocksLab.Proxy),
            (Text(evidence, "name"), Text(evidence, "record_type"), Text(evidence, "here"), Text(evidence, "there"), Text(evidence, "vantage")));

        // the field test says the lookup failed here and worked elsewhere: never "could not reach port 25"
        var field = Lines(lab.Sensor("fieldtest", "lab.test", "--proto", "smtp", "--no-db", "--json", "--timeout", "3", "--via", SocksLab.Proxy));
        var row = Assert.Single(OfType(field, "fieldtest"));
        Assert.Equal(("interference", $"{char.ToUpperInvariant(denied[0])}{denied[1..]}, but it resolves from elsewhere ({SocksLab.Proxy}): your network's DNS hides lab.test's server on port 25"),
            (Text(row, "level"), Text(row, "summary")));
        Assert.Equal("nxdomain", Text(Assert.Single(OfType(field, "finding")), "variant"));
    }
}
