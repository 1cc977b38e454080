using System.Net;
using System.Text.Json;
using Sensor.Core.Storage;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Probing;

/// <summary>`sensor probe` run as a user would, against postfix on loopback.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class ProbeCommandTests
{
    [Fact]
    public void JsonRecordsCarryTheContractFieldsAndAreStored()
    {
        var refused = ProbeTestSupport.FreePort(IPAddress.Loopback);
        var db = Path.Combine(TempDir(), "s.db");
        var run = Run("probe", "127.0.0.1:25", $"127.0.0.1:{refused}", "--proto", "smtp", "--json", "--timeout", "5", "--vantage", "lab", "--db", db);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, records.Count);
        var ok = records[0];
        foreach (var field in new[] { "type", "vantage", "ts", "target", "server", "server_name", "protocol", "port", "implicit_tls", "banner", "capabilities",
                     "starttls_offered", "tls_established", "tls_version", "tls_cipher", "cert_sha256", "spki_sha256", "cert_subject", "cert_not_after",
                     "cert_trusted", "name_match", "dane", "mta_sts", "score", "grade", "error", "outcome", "grade_basis" })
            Assert.True(ok.TryGetProperty(field, out _), field);
        Assert.Equal("probe", ok.GetProperty("type").GetString());
        Assert.Equal("lab", ok.GetProperty("vantage").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", ok.GetProperty("ts").GetString());
        Assert.Equal("127.0.0.1:25", ok.GetProperty("server").GetString());
        Assert.Equal("ok", ok.GetProperty("outcome").GetString());
        Assert.Equal(ProbeTestSupport.TestCertificateSha256(), ok.GetProperty("cert_sha256").GetString());
        Assert.False(ok.GetProperty("cert_trusted").GetBoolean());
        Assert.False(ok.GetProperty("dane").GetProperty("checked").GetBoolean());
        Assert.False(ok.GetProperty("mta_sts").GetProperty("checked").GetBoolean());
        Assert.Equal("negotiated-only", ok.GetProperty("grade_basis").GetString());
        Assert.Equal("A", ok.GetProperty("grade").GetString());
        Assert.Equal("unreachable", records[1].GetProperty("outcome").GetString());
        Assert.Equal("connection refused", records[1].GetProperty("error").GetString());

        using var store = SensorStore.Open(db);
        var stored = store.Probes().ToList();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, p => Assert.Equal("lab", p.Vantage));
        Assert.Equal(ok.GetProperty("cert_sha256").GetString(), stored.Single(p => p.Outcome == "ok").CertSha256);
    }

    [Fact]
    public void AStoreThatCannotBeOpenedIsOneLineAndExitTwo_AndNoResult()
    {
        // the store opens beside the probe: its failure stops the probe and is the one thing said
        var notADirectory = Path.Combine(TempDir(), "file");
        File.WriteAllText(notADirectory, "");
        var run = Run("probe", "127.0.0.1:25", "--json", "--db", Path.Combine(notADirectory, "s.db"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith($"sensor: error: cannot open the database '{Path.Combine(notADirectory, "s.db")}'", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void HumanTableNamesOutcomeAndGrade()
    {
        var run = Run("probe", "127.0.0.1:110", "--no-db", "--timeout", "5");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("127.0.0.1:110", run.Stdout);
        Assert.Contains(" ok ", run.Stdout);
        Assert.Contains("DANE and MTA-STS not checked", run.Stdout);
    }

    [Theory]
    [InlineData("127.0.0.1:2600", "sensor: error: 127.0.0.1:2600: cannot tell the protocol of port 2600 (give --proto smtp, imap or pop3)")]
    [InlineData("bad_host!:25", "sensor: error: bad_host!:25: 'bad_host!' is not a host name or IP address")]
    [InlineData("127.0.0.1:99999", "sensor: error: 127.0.0.1:99999: port must be a number from 1 to 65535")]
    public void BadTargetIsOneLineAndExitTwo(string target, string line)
    {
        var run = Run("probe", target, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(line, Assert.Single(run.StderrLines));
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("--proto", "http", "sensor: error: --proto takes smtp, submission, imap, pop3 or all, not 'http'")]
    [InlineData("--timeout", "-1", "sensor: error: --timeout takes a number of seconds above 0 (at most 3600), not '-1'")]
    public void BadOptionIsOneLineAndExitTwo(string option, string value, string line)
    {
        var run = Run("probe", "127.0.0.1", option, value, "--no-db");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(line, Assert.Single(run.StderrLines));
    }
}
