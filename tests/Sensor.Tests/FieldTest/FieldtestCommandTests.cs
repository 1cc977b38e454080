using Sensor.Tests.Probing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sensor.Core.Storage;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.FieldTest;

/// <summary>
/// `sensor fieldtest` as a user runs it, against the real postfix on loopback
/// (captures/tools/setup-servers.sh): "here" reaches it through captures/tools/striptls_proxy.py in
/// strip mode on 127.0.0.5:P, "abroad" through a pass-through proxy on 127.0.0.6:P (the same port:
/// the clean path). The abroad result is a real `sensor probe --json` run, brought in by `sensor import`.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FieldtestCommandTests
{
    [Fact]
    public void StrippingProxyOnThePathIsNamedTheNetwork()
    {
        var port = PortFreeOn("127.0.0.5", "127.0.0.6");
        using var strip = Proxy("strip", "127.0.0.5", port);
        using var clean = Proxy("pass", "127.0.0.6", port);
        var dir = TempDir();
        var db = Path.Combine(dir, "field.db");
        var abroad = Path.Combine(dir, "abroad.jsonl");

        var probe = Run("probe", $"127.0.0.6:{port}", "--proto", "smtp", "--vantage", "abroad", "--json", "--no-db", "--timeout", "5");
        Assert.Equal(0, probe.ExitCode);
        File.WriteAllText(abroad, probe.Stdout);
        Assert.Equal(0, Run("import", abroad, "--db", db).ExitCode);

        var report = Path.Combine(dir, "report.html");
        var run = Run("fieldtest", $"127.0.0.5:{port}", "--proto", "smtp", "--db", db, "--report", report, "--timeout", "5");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var sentence = $"Your network removes STARTTLS on port {port}: mail from here to 127.0.0.5 can be read on the way";
        Assert.Equal("DANGER: Something on this network interferes with mail encryption.", run.StdoutLines[0]);
        Assert.Contains($"\u2716 DANGER: Do not send mail or passwords to 127.0.0.5:{port} from this network until you can use another network, or a VPN or Tor you trust: "
            + $"it removes STARTTLS (the server's offer to encrypt) on port {port}.", Flat(run.Stdout));
        Assert.Contains($"\u2716 port {port}, mail between servers (SMTP): DANGER: {sentence}", Flat(run.Stdout));
        Assert.Contains("\u2716 STARTTLS offered: no: the list of what the server can do, as it arrived here, has no STARTTLS", Flat(run.Stdout));
        Assert.Contains("\u2716 Comparison with elsewhere: different: abroad saw STARTTLS offered, TLSv1.3", Flat(run.Stdout));
        Assert.All(run.StdoutLines, l => Assert.True(l.Length <= 80 || l.StartsWith("Report: ", StringComparison.Ordinal), $"'{l}' is wider than 80 columns"));
        Assert.Contains($"Report: {report}", run.Stdout);

        var html = File.ReadAllText(report);
        Assert.Contains(sentence.Replace(":", "&#58;"), html);
        Assert.Contains("abroad (", html);
        Assert.DoesNotContain(dir, html);
        Assert.DoesNotContain(db, html);
        foreach (var banned in new[] { "http://", "https://", "<script", "<link", "src=" })
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);

        var json = Run("fieldtest", $"127.0.0.5:{port}", "--proto", "smtp", "--db", db, "--json", "--timeout", "5", "--fail-on", "interference");
        Assert.Equal(1, json.ExitCode);
        var record = JsonDocument.Parse(Assert.Single(json.StdoutLines)).RootElement;
        Assert.Equal("interference", record.GetProperty("level").GetString());
        Assert.Equal(sentence, record.GetProperty("summary").GetString());
        Assert.False(record.GetProperty("here").GetProperty("starttls_offered").GetBoolean());
        Assert.True(record.GetProperty("elsewhere")[0].GetProperty("starttls_offered").GetBoolean());

        using var store = SensorStore.Open(db);
        Assert.Equal(2, store.Probes().Count(p => p.Vantage == "local"));
    }

    [Fact]
    public void CleanPathIsEncryptedAndNoStoreMeansNoComparison()
    {
        var port = PortFreeOn("127.0.0.5", "127.0.0.6");
        using var strip = Proxy("strip", "127.0.0.5", port);
        var clean = Run("fieldtest", "127.0.0.1:25", "--no-db", "--report", Path.Combine(TempDir(), "r.html"), "--timeout", "5", "--fail-on", "interference");
        Assert.Equal(0, clean.ExitCode);
        Assert.Contains("\u2714 port 25, mail between servers (SMTP): OK: Encrypted (TLSv1.3), certificate not checked by most senders", Flat(clean.Stdout));
        Assert.Contains("No interference seen: mail to 127.0.0.1:25 is encrypted from this network on port 25.", Flat(clean.Stdout));

        var alone = Run("fieldtest", $"127.0.0.5:{port}", "--proto", "smtp", "--no-db", "--report", Path.Combine(TempDir(), "r.html"), "--timeout", "5");
        Assert.Equal(0, alone.ExitCode);
        Assert.Contains($"No encryption on port {port} from here: mail from here to 127.0.0.5 can be read on the way. No comparison available: run `sensor probe --json` from another network and `sensor import` it here", Flat(alone.Stdout));
    }

    [Fact]
    public void AllPortsOfAHostAndTheDefaultReportName()
    {
        var dir = TempDir();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sensor.dll"), "fieldtest", "127.0.0.1", "--no-db", "--timeout", "5" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000));
        Assert.Equal(0, process.ExitCode);
        foreach (var port in new[] { 25, 587, 465, 143, 993, 110, 995 })
            Assert.Contains($" port {port}, ", stdout);
        Assert.Contains("Could not reach port 465 from here", Flat(stdout));
        var report = Assert.Single(Directory.GetFiles(dir, "sensor-fieldtest-*.html"));
        Assert.Matches(@"sensor-fieldtest-\d{8}T\d{6}Z\.html$", report);
        Assert.Contains($"Report: {Path.GetFileName(report)}", stdout);
    }

    [Theory]
    [InlineData(new[] { "fieldtest", "bad_host!" }, "sensor: error: bad_host!: 'bad_host!' is not a host name or IP address")]
    [InlineData(new[] { "fieldtest", "127.0.0.1", "--fail-on", "high" }, "sensor: error: --fail-on takes interference or unencrypted, not 'high'")]
    [InlineData(new[] { "fieldtest", "127.0.0.1", "--timeout", "0" }, "sensor: error: --timeout takes a number of seconds above 0 (at most 3600), not '0'")]
    [InlineData(new[] { "fieldtest", "127.0.0.1:2600" }, "sensor: error: 127.0.0.1:2600: cannot tell the protocol of port 2600 (give --proto smtp, imap or pop3)")]
    public void BadUsageIsOneLineAndExitTwo(string[] args, string line)
    {
        var run = Run([.. args, "--no-db"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(line, Assert.Single(run.StderrLines));
        Assert.Equal("", run.Stdout);
    }

    /// <summary>The console text with its wrapping undone: every run of white space one space.</summary>
    internal static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static int PortFreeOn(string first, string second)
    {
        for (int attempt = 0; ; attempt++)
        {
            var listener = new TcpListener(IPAddress.Parse(first), 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            try
            {
                var other = new TcpListener(IPAddress.Parse(second), port);
                other.Start();
                other.Stop();
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    private static StripProxy Proxy(string mode, string address, int port) => new("smtp", mode, "127.0.0.1:25", address, port);
}

/// <summary>
/// The place tested named by its network: `sensor fieldtest --resolver` the real unbound of
/// <see cref="UnboundServer"/> on loopback, which answers o-o.myaddr.l.google.com and Team Cymru's
/// names as the real services would (nothing leaves the machine).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FieldtestNetworkNameTests(UnboundServer dns) : IClassFixture<UnboundServer>
{
    [Fact]
    public void TheReportNamesTheNetworkByItsAs()
    {
        var report = Path.Combine(TempDir(), "r.html");
        var run = Run("fieldtest", "host.test:25", "--resolver", dns.Resolver, "--no-db", "--report", report, "--timeout", "5");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Contains("Tested from AS64500 EXAMPLE-NET - Example Networks, NL (public address 192.0.2.1), named 'local', at ", FieldtestCommandTests.Flat(run.Stdout));
        Assert.Contains("\u2714 DNS lookup: host.test is at 127.0.0.1", run.Stdout);
        Assert.Contains("Tested from <strong>AS64500 EXAMPLE-NET - Example Networks, NL (public address 192.0.2.1)</strong>", File.ReadAllText(report));
    }

    [Fact]
    public void WithoutTheLookupItIsThisNetwork()
    {
        var run = Run("fieldtest", "host.test:25", "--resolver", dns.Resolver, "--no-db", "--no-network-name", "--report", Path.Combine(TempDir(), "r.html"), "--timeout", "5");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Tested from this network, named 'local', at ", run.StdoutLines[1]);
    }
}
