using System.Security.Cryptography;
using System.Text.Json;
using Json.Schema;
using Sensor.Core.Output;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>
/// The query and store verbs as a user runs them, over a store two real replays wrote: the IMAP LOGIN
/// capture (alice@example.test and bob, written with --show-secrets) and the clean SMTP STARTTLS one.
/// </summary>
public sealed class QueryCommandTests
{
    private static readonly string Login = BundledCapture("imap-login-cleartext.pcap");
    private static readonly string Clean = BundledCapture("smtp-starttls-clean.pcap");

    private static string StoreOfTwoReplays()
    {
        var db = Path.Combine(TempDir(), "sensor.db");
        Assert.Equal(0, Run("replay", "--db", db, "--store-sessions", "--no-progress", "--show-secrets", Login).ExitCode);
        Assert.Equal(0, Run("replay", "--db", db, "--store-sessions", "--no-progress", Clean).ExitCode);
        return db;
    }

    private static List<JsonElement> Records(SensorRun run)
    {
        Assert.Equal(0, run.ExitCode);
        return [.. run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)];
    }

    [Fact]
    public void Findings_AreRedactedByDefault_EvenWhenTheReplayStoredTheSecrets()
    {
        var db = StoreOfTwoReplays();
        var secrets = Records(Run("findings", "--db", db, "--json", "--show-secrets"))
            .Select(f => f.GetProperty("evidence").GetProperty("secret").GetString()).ToList();
        Assert.Equal(2, secrets.Count);
        Assert.DoesNotContain(SecretRedactor.Redacted, secrets);

        var redacted = Run("findings", "--db", db, "--json");
        var findings = Records(redacted);
        Assert.Equal(["bob", "alice@example.test"], findings.Select(f => f.GetProperty("evidence").GetProperty("user").GetString()));
        Assert.All(findings, f => Assert.Equal(SecretRedactor.Redacted, f.GetProperty("evidence").GetProperty("secret").GetString()));
        Assert.All(findings, f => Assert.StartsWith("hmac-sha256:", f.GetProperty("evidence").GetProperty("secret_fingerprint").GetString()));
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret!, redacted.Stdout);
        var table = Run("findings", "--db", db);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("2 findings", table.Stdout);
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret!, table.Stdout);
    }

    [Fact]
    public void EveryRecordNamesItsRun_WhoseRecordHoldsTheCaptureAndItsSha256()
    {
        var db = StoreOfTwoReplays();
        var runs = Records(Run("runs", "--db", db, "--json"));
        Assert.Equal([Clean, Login], runs.Select(r => r.GetProperty("captures")[0].GetProperty("file").GetString()));
        var login = runs[1];
        Assert.Equal("replay", login.GetProperty("mode").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Login))), login.GetProperty("captures")[0].GetProperty("sha256").GetString());
        Assert.Equal(new FileInfo(Login).Length, login.GetProperty("captures")[0].GetProperty("bytes").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, login.GetProperty("end").ValueKind);
        var id = login.GetProperty("id").GetString()!;
        Assert.All(Records(Run("findings", "--db", db, "--json")), f => Assert.Equal(id, f.GetProperty("run").GetString()));
        var sessions = Records(Run("sessions", "--db", db, "--json", "--run", id));
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.Equal("127.0.0.1:143", s.GetProperty("server").GetString()));
        var cleanRun = runs[0].GetProperty("id").GetString()!;
        Assert.Empty(Records(Run("findings", "--db", db, "--json", "--run", cleanRun)));
        var servers = Records(Run("servers", "--db", db, "--json", "--server", "127.0.0.1:587"));
        Assert.Equal(cleanRun, Assert.Single(servers).GetProperty("offered_run").GetString());
    }

    [Fact]
    public void Filters_ExcludeWhatTheyDoNotName()
    {
        var db = StoreOfTwoReplays();
        Assert.Equal(["alice@example.test"], Records(Run("findings", "--db", db, "--json", "--user", "alice@example.test"))
            .Select(f => f.GetProperty("evidence").GetProperty("user").GetString()));
        Assert.Empty(Records(Run("findings", "--db", db, "--json", "--kind", "starttls-stripped")));
        Assert.Empty(Records(Run("findings", "--db", db, "--json", "--server", "127.0.0.1:25")));
        Assert.Equal(2, Records(Run("findings", "--db", db, "--json", "--severity", "high", "--from", "2026-11-29T12:00:00Z", "--to", "2026-11-29T12:03:00Z")).Count);
        Assert.Empty(Records(Run("findings", "--db", db, "--json", "--to", "2026-11-29T12:02:00Z")));
        Assert.Empty(Records(Run("findings", "--db", db, "--json", "--since", "1h"))); // the capture's times are days old
        Assert.Equal(["127.0.0.1:587", "127.0.0.1:25"], Records(Run("sessions", "--db", db, "--json", "--server", "mail.example.test"))
            .Select(s => s.GetProperty("server").GetString()));
        var one = Run("sessions", "--db", db, "--json", "--limit", "1");
        Assert.Single(Records(one));
        Assert.Contains("the newest 1 sessions shown; --limit 0 shows all", one.Stderr);
    }

    [Fact]
    public void QueryOutput_ValidatesAgainstTheRecordSchema()
    {
        var db = StoreOfTwoReplays();
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Replay.Manifest.CapturesDirectory, "..", "docs", "schema", "records.schema.json")));
        var lines = new[] { "findings", "sessions", "servers", "runs" }.SelectMany(verb => Run(verb, "--db", db, "--json").StdoutLines).ToList();
        Assert.Equal(2 + 4 + 5 + 2, lines.Count);
        foreach (var line in lines)
            Assert.True(schema.Evaluate(JsonDocument.Parse(line).RootElement).IsValid, line);
    }

    [Theory]
    [InlineData("findings", "--severity", "urgent", "--severity takes info, low, medium or high, not 'urgent'")]
    [InlineData("findings", "--from", "yesterday", "--from takes an RFC 3339 time with its offset")]
    [InlineData("findings", "--from", "2026-11-29T12:00:00", "--from takes an RFC 3339 time with its offset")]
    [InlineData("sessions", "--since", "soon", "--since takes a positive duration")]
    [InlineData("runs", "--limit", "-1", "--limit takes a number of records (0: all), not -1")]
    public void BadFilter_IsOneLine_Exit2(string verb, string option, string value, string message)
    {
        var db = StoreOfTwoReplays();
        var run = Run(verb, "--db", db, option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void NoStore_IsOneLine_Exit2_AndNothingIsCreated()
    {
        var db = Path.Combine(TempDir(), "none.db");
        var run = Run("findings", "--db", db);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"no store at '{db}'", Assert.Single(run.StderrLines));
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void StoreStatsAndPrune_CountPerCollection()
    {
        var db = StoreOfTwoReplays();
        var stats = Run("store", "stats", "--db", db);
        Assert.Equal(0, stats.ExitCode);
        Assert.Matches(@"sessions\s*│\s*4\s", stats.Stdout);
        Assert.Matches(@"findings\s*│\s*2\s", stats.Stdout);
        Assert.Matches(@"runs\s*│\s*2\s", stats.Stdout);
        Assert.Matches($@"size on disk: {new FileInfo(db).Length:N0} bytes", stats.Stdout);

        Assert.Contains("deleted 0 runs, 0 sessions, 0 findings", Run("store", "prune", "--db", db, "--older-than", "3650d").Stdout);
        // the captures' times (2026-11-29) are older than a minute; the runs that made them go with them
        var prune = Run("store", "prune", "--db", db, "--older-than", "1m");
        Assert.Equal(0, prune.ExitCode);
        Assert.Contains("deleted 0 runs, 4 sessions, 2 findings, 5 servers", prune.Stdout);
        Assert.Empty(Records(Run("findings", "--db", db, "--json")));
        Assert.Equal(2, Records(Run("runs", "--db", db, "--json")).Count); // they started less than a minute ago
        Assert.Equal(2, Run("store", "prune", "--db", db, "--older-than", "soon").ExitCode);
    }
}
