using System.Text.Json;
using Sensor.Core.Output;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using Sensor.Tests.Probing;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// The lab of netns-lab.sh: four network namespaces made for one test ("here", the path, the agent's
/// place, the server's side), the loopback postfix behind 10.77.0.1:25 on both sides, the strip
/// proxy on the path or in front of the server, a real `sensor agent` in its namespace on a real
/// nats-server. Torn down on dispose, also when the set-up failed half-way.
/// </summary>
public sealed class NetnsLab : IDisposable
{
    private static readonly string Script = Path.Combine(ProbeTestSupport.RepoRoot(), "tests", "Sensor.Tests", "CrossCheck", "netns-lab.sh");
    private readonly NatsServer _nats;

    public string Directory { get; } = SensorProcess.TempDir();
    public string Prefix { get; } = "xc" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));

    /// <param name="path">strip: the proxy sits on the path from here; direct: it does not</param>
    /// <param name="server">strip: the proxy sits in front of the server (its own firewall); direct: it does not</param>
    public NetnsLab(NatsServer nats, string path, string server)
    {
        _nats = nats;
        try
        {
            Run("up", path, server, new Uri(nats.Url).Port.ToString(), SensorProcess.DllPath, NatsServer.User, nats.PasswordFile);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>One swaks session from here to 10.77.0.1:25 (STARTTLS when offered), captured on here's interface.</summary>
    public string CaptureOneSession()
    {
        Run("capture");
        return Path.Combine(Directory, "capture.pcap");
    }

    /// <summary>sensor replay --crosscheck from here, through the agent "far".</summary>
    public SensorRun ReplayWithCrossCheck(string capture, params string[] more) =>
        SensorProcess.RunInNamespace($"{Prefix}-l", ["replay", capture, "--json", "--crosscheck", "--crosscheck-timeout", "5", "--via", "far",
            "--bus", "nats://127.0.0.1:4222", "--user", NatsServer.User, "--password-file", _nats.PasswordFile, .. more]);

    private void Run(string command, params string[] args)
    {
        var run = SensorProcess.RunProgram("bash", [Script, command, Directory, Prefix, .. args]);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"netns-lab.sh {command} failed ({run.ExitCode}): {run.Stderr}{run.Stdout}");
    }

    public void Dispose()
    {
        Run("down");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The interference test, in network namespaces: "here" reaches 10.77.0.1:25 through a
/// path that strips STARTTLS, the agent reaches the same address directly; the cross-check must say
/// interference-on-path. With the stripping in front of the server instead (its own firewall), both
/// see no STARTTLS: server-lacks-tls. With no proxy anywhere: no verdict at all.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class NetnsInterferenceTests
{
    private const string Server = "10.77.0.1:25";

    private static (List<JsonElement> Records, List<VerdictRecord> Verdicts) Read(SensorRun run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        var records = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var verdicts = run.StdoutLines.Where(l => l.StartsWith("{\"type\":\"verdict\"", StringComparison.Ordinal))
            .Select(l => JsonSerializer.Deserialize(l, RecordJsonContext.Default.VerdictRecord)!).ToList();
        return (records, verdicts);
    }

    private static List<string> StartTlsFindings(List<JsonElement> records) =>
        [.. records.Where(r => r.GetProperty("type").GetString() == "finding" && r.GetProperty("kind").GetString()!.StartsWith("starttls-", StringComparison.Ordinal))
            .Select(r => $"{r.GetProperty("kind").GetString()}/{(r.TryGetProperty("variant", out var v) ? v.GetString() : null)} {r.GetProperty("server").GetString()}")];

    private static List<(string, string, bool)> ProbesOf(VerdictRecord verdict) =>
        [.. verdict.Probes.OrderBy(p => p.Vantage, StringComparer.Ordinal).Select(p => (p.Vantage, p.Outcome, p.SamePath))];

    [Fact]
    public void StrippedOnThePathButNotFromElsewhereIsInterferenceOnPath()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "strip", server: "direct");
        var capture = lab.CaptureOneSession();
        var db = Path.Combine(lab.Directory, "s.db");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(capture, "--db", db));

        Assert.Equal([$"starttls-stripped/removed {Server}"], StartTlsFindings(records));
        var verdict = Assert.Single(verdicts);
        Assert.Equal(("interference-on-path", "smtp", Server, "mail.example.test", 0.6, 1, 1),
            (verdict.Verdict, verdict.Protocol, verdict.Server, verdict.ServerName, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal([("far", "ok", false), ("local", "starttls-absent", true)], ProbesOf(verdict));
        Assert.Equal(["starttls-stripped/removed"], verdict.Passive.Findings);
        Assert.Equal("The capture saw starttls-stripped/removed, but 1 of 1 probes from far saw 10.77.0.1:25 offer STARTTLS and complete TLS: "
            + "something on the path took it away. Not counted, as they cross the capture's own path: 1 probe(s) from local (1 saw no STARTTLS)", verdict.Summary);

        // Within the TTL a second replay reuses the stored answers: the same probes, not new ones.
        var (_, again) = Read(lab.ReplayWithCrossCheck(capture, "--db", db));
        var second = Assert.Single(again);
        Assert.Equal(("interference-on-path", 1, 1), (second.Verdict, second.Agreeing, second.Total));
        Assert.Equal(verdict.Probes.Select(p => (p.Vantage, p.Ts)).Order(), second.Probes.Select(p => (p.Vantage, p.Ts)).Order());
    }

    [Fact]
    public void StrippedInFrontOfTheServerIsSeenFromElsewhereTooSoTheServerLacksTls()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "direct", server: "strip");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureOneSession(), "--no-db"));

        Assert.Equal([$"starttls-absent/ {Server}"], StartTlsFindings(records));
        var verdict = Assert.Single(verdicts);
        Assert.Equal(("server-lacks-tls", Server, 0.6, 1, 1), (verdict.Verdict, verdict.Server, verdict.Confidence, verdict.Agreeing, verdict.Total));
        // "here" crosses no proxy now, but the server's side strips for everyone: both see no STARTTLS
        Assert.Equal([("far", "starttls-absent", false), ("local", "starttls-absent", true)], ProbesOf(verdict));
        Assert.Equal("The capture saw starttls-absent, and 1 of 1 probes from far saw no STARTTLS either: the server itself offers none. "
            + "Not counted, as they cross the capture's own path: 1 probe(s) from local (1 saw no STARTTLS)", verdict.Summary);
    }

    [Fact]
    public void WithNoProxyAnywhereThereIsNothingToSay()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "direct", server: "direct");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureOneSession(), "--no-db"));

        Assert.Empty(StartTlsFindings(records));
        Assert.Empty(verdicts);
        var session = Assert.Single(records, r => r.GetProperty("type").GetString() == "session");
        Assert.Equal((Server, true, true), (session.GetProperty("server").GetString(), session.GetProperty("starttls_offered").GetBoolean(), session.GetProperty("tls_established").GetBoolean()));
    }
}
