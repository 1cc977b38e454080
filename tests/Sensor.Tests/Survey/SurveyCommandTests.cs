using Sensor.Tests.Output;
using System.Text.Json;
using Sensor.Core.Storage;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Survey;

/// <summary>`sensor survey FILE` as a user runs it, against postfix on loopback, a silent server and a refused port.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class SurveyCommandTests
{
    [Fact]
    public void SurveyStatsJsonReportAndResume()
    {
        using var servers = new SurveyLoopback();
        var dir = TempDir();
        var list = Path.Combine(dir, "list.txt");
        File.WriteAllText(list, $"# loopback survey\n127.0.0.1:25\n127.0.0.1:587\n{servers.Silent[0]}\n{servers.Refused}\n127.0.0.1:25 # again\n");
        var db = Path.Combine(dir, "s.db");
        var report = Path.Combine(dir, "r.html");

        var first = Run("survey", list, "--json", "--timeout", "1", "--db", db, "--vantage", "lab", "--report", report);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal("", first.Stderr);
        var lines = first.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count(l => l.GetProperty("type").GetString() == "probe"));
        var survey = lines[^1];
        Assert.Equal("survey", survey.GetProperty("type").GetString());
        Assert.Equal((4, 0), (survey.GetProperty("domains_probed_now").GetInt32(), survey.GetProperty("domains_resumed").GetInt32()));
        AssertStats(survey);
        Assert.Equal(4, Store(db).Count);

        var html = File.ReadAllText(report);
        Assert.Contains("<figure id=\"grades\"><svg", html);
        Assert.Contains("Servers per grade: A: 2,", html);
        Assert.Contains("<tr><th>Servers with STARTTLS</th><td class=\"n\">2</td></tr>", html);
        HtmlAssert.SelfContained(html);
        Assert.DoesNotContain(dir, html);

        var again = Run("survey", list, "--json", "--timeout", "1", "--db", db, "--vantage", "lab");
        Assert.Equal(0, again.ExitCode);
        var resumed = JsonDocument.Parse(again.StdoutLines[^1]).RootElement;
        Assert.Equal((0, 4), (resumed.GetProperty("domains_probed_now").GetInt32(), resumed.GetProperty("domains_resumed").GetInt32()));
        Assert.Equal(survey.GetProperty("survey").GetString(), resumed.GetProperty("survey").GetString());
        AssertStats(resumed);
        Assert.Equal(4, Store(db).Count);

        var fresh = Run("survey", list, "--json", "--timeout", "1", "--db", db, "--vantage", "lab", "--fresh");
        Assert.Equal(0, fresh.ExitCode);
        var again2 = JsonDocument.Parse(fresh.StdoutLines[^1]).RootElement;
        Assert.Equal((4, 0), (again2.GetProperty("domains_probed_now").GetInt32(), again2.GetProperty("domains_resumed").GetInt32()));
        AssertStats(again2);
        Assert.Equal(8, Store(db).Count);

        var text = Run("survey", list, "--timeout", "1", "--db", db, "--vantage", "elsewhere");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("4 of 4 domains done (4 probed now, 0 from an earlier run)", text.Stdout);
        Assert.Contains("  with STARTTLS        2", text.Stdout);
        Assert.Equal(12, Store(db).Count);
    }

    private static void AssertStats(JsonElement s)
    {
        Assert.Equal(4, s.GetProperty("domains").GetInt32());
        Assert.Equal(2, s.GetProperty("servers_reached").GetInt32());
        Assert.Equal(2, s.GetProperty("servers_rated").GetInt32());
        Assert.Equal(2, s.GetProperty("with_starttls").GetInt32());
        Assert.Equal(0, s.GetProperty("without_starttls").GetInt32());
        Assert.Equal(2, s.GetProperty("grades").GetProperty("A").GetInt32());
        Assert.Equal(1, s.GetProperty("unreachable").GetInt32());
        Assert.Equal(1, s.GetProperty("timeouts").GetInt32());
        Assert.False(s.GetProperty("interrupted").GetBoolean());
    }

    [Fact]
    public void CtrlCStopsTheSurvey_KeepsWhatFinished_AndExits130()
    {
        using var servers = new SurveyLoopback(silent: 2);
        var dir = TempDir();
        var list = Path.Combine(dir, "list.txt");
        File.WriteAllText(list, $"127.0.0.1:25\n{servers.Silent[0]}\n{servers.Silent[1]}\n");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { DllPath, "survey", list, "--timeout", "30", "--db", Path.Combine(dir, "s.db"), "--no-progress", "--concurrency", "1" })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        // postfix answers at once; then the first silent server holds the survey in its 30 s greeting wait
        Assert.True(servers.Connected(0, TimeSpan.FromSeconds(60)), "the survey never reached the silent server");
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        Assert.True(process.WaitForExit(20_000), "survey did not stop on SIGINT");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("1 of 3 domains done (1 probed now, 0 from an earlier run), interrupted: run it again to finish.", stdout.Result);
        Assert.Single(Store(Path.Combine(dir, "s.db")));
    }

    private static List<Sensor.Core.Output.ProbeRecord> Store(string db)
    {
        using var store = SensorStore.Open(db);
        return [.. store.Probes()];
    }

    [Theory]
    [InlineData("example.org\nbad_host!\n", "line 2: bad_host!: 'bad_host!' is not a host name or IP address")]
    [InlineData("# nothing\n", "no domain or host in it")]
    public void BadListIsOneLineAndExitTwo(string text, string message)
    {
        var list = Path.Combine(TempDir(), "list.txt");
        File.WriteAllText(list, text);
        var run = Run("survey", list, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: {list}: {message}", Assert.Single(run.StderrLines));
    }

    /// <summary>An ISPDB-style directory: dovecot's IMAP and POP3 and postfix's submission with STARTTLS, and a refused SSL port.</summary>
    [Fact]
    public void IspdbDirectorySurveysItsServers()
    {
        using var servers = new SurveyLoopback();
        var dir = TempDir();
        var ispdb = Directory.CreateDirectory(Path.Combine(dir, "ispdb")).FullName;
        File.WriteAllText(Path.Combine(ispdb, "loopback.test.xml"), """
            <?xml version="1.0" encoding="UTF-8"?>
            <clientConfig version="1.1">
              <emailProvider id="loopback.test">
                <domain>loopback.test</domain>
                <incomingServer type="imap"><hostname>127.0.0.1</hostname><port>143</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username></incomingServer>
                <incomingServer type="pop3"><hostname>127.0.0.1</hostname><port>110</port><socketType>STARTTLS</socketType></incomingServer>
                <outgoingServer type="smtp"><hostname>127.0.0.1</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
              </emailProvider>
            </clientConfig>
            """);
        var refusedPort = servers.Refused.Split(':')[1];
        File.WriteAllText(Path.Combine(ispdb, "refused.test"),
            $"<clientConfig version=\"1.1\"><emailProvider id=\"refused.test\"><outgoingServer type=\"smtp\"><hostname>127.0.0.1</hostname><port>{refusedPort}</port><socketType>SSL</socketType></outgoingServer></emailProvider></clientConfig>");

        var run = Run("survey", ispdb, "--json", "--timeout", "2", "--no-db");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var lines = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var probes = lines.Where(l => l.GetProperty("type").GetString() == "probe")
            .Select(l => (l.GetProperty("target").GetString(), l.GetProperty("protocol").GetString(), l.GetProperty("implicit_tls").GetBoolean(), l.GetProperty("outcome").GetString()))
            .ToList();
        Assert.Equal(
        [
            ("127.0.0.1:143", "imap", false, "ok"),
            ("127.0.0.1:110", "pop3", false, "ok"),
            ("127.0.0.1:587", "smtp", false, "ok"),
            (servers.Refused, "smtp", true, "unreachable"),
        ], probes);
        var survey = lines[^1];
        Assert.Equal((2, 3, 3, 1), (survey.GetProperty("domains").GetInt32(), survey.GetProperty("servers_reached").GetInt32(),
            survey.GetProperty("with_starttls").GetInt32(), survey.GetProperty("unreachable").GetInt32()));
    }

    [Fact]
    public void BadIspdbDirectoryIsOneLineAndExitTwo()
    {
        var dir = TempDir();
        var run = Run("survey", dir, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: {dir}: no domain or host in it (no autoconfig file lists an IMAP, POP3 or SMTP server)", Assert.Single(run.StderrLines));
        File.WriteAllText(Path.Combine(dir, "bad.test.xml"), "<clientConfig><emailProvider>");
        var bad = Run("survey", dir, "--no-db");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith($"sensor: error: {dir}: bad.test.xml: not well-formed XML: ", Assert.Single(bad.StderrLines));
    }

    [Theory]
    [InlineData("--per-destination", "0", "--per-destination takes a whole number from 1 to 64, not '0'")]
    [InlineData("--concurrency", "many", "--concurrency takes a whole number from 1 to 1024, not 'many'")]
    [InlineData("--timeout", "-1", "--timeout takes a number of seconds above 0 (at most 3600), not '-1'")]
    [InlineData("--resolver", "nowhere", "--resolver takes IP, IP:PORT or [IPv6]:PORT, not 'nowhere'")]
    public void BadOptionIsOneLineAndExitTwo(string option, string value, string message)
    {
        var list = Path.Combine(TempDir(), "list.txt");
        File.WriteAllText(list, "example.org\n");
        var run = Run("survey", list, option, value, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"sensor: error: {message}", Assert.Single(run.StderrLines));
    }
}
