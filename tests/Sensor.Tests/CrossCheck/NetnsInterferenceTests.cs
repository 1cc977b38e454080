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
public sealed class NetnsLab : NamespaceLab
{
    private readonly NatsServer _nats;

    /// <param name="path">strip: the proxy sits on the path from here; alternate: a proxy there strips every other connection;
    /// reanswer: a proxy there answers with another greeting and EHLO list, STARTTLS kept; otherstack: a relay there
    /// passes the dialogue unchanged from a differently set TCP/IP stack; direct: a relay with the server's own settings</param>
    /// <param name="server">strip: the proxy sits in front of the server (its own firewall); alternate: a proxy there strips
    /// every other connection from each source (a server that varies); direct: nothing there</param>
    /// <param name="prefix">the start of the namespaces' names</param>
    public NetnsLab(NatsServer nats, string path, string server, string prefix = "verdicts")
        : base("netns-lab.sh", prefix, path, server, new Uri(nats.Url).Port.ToString(), SensorProcess.DllPath, NatsServer.User, nats.PasswordFile) =>
        _nats = nats;

    /// <summary>Swaks sessions one after another from here to 10.77.0.1:25 (STARTTLS when offered), captured on here's interface.</summary>
    public string CaptureSessions(int sessions = 1) => CaptureSessions(sessions.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>sensor replay --crosscheck from here, through the agent "far".</summary>
    public SensorRun ReplayWithCrossCheck(string capture, params string[] more) =>
        SensorProcess.RunInNamespace($"{Prefix}-l", ["replay", capture, "--json", "--crosscheck", "--crosscheck-timeout", "5", "--via", "far",
            "--bus", "nats://127.0.0.1:4222", "--user", NatsServer.User, "--password-file", _nats.PasswordFile, .. more]);
}

/// <summary>
/// The interference test, in network namespaces: "here" reaches 10.77.0.1:25 through a path that
/// strips STARTTLS, the agent reaches the same address directly; the cross-check must say
/// interference-on-path. With the stripping in front of the server instead (its own firewall), both
/// see no STARTTLS: server-lacks-tls. With no proxy anywhere: no verdict at all. Every vantage
/// connects three times (the default); a server that strips every other connection is inconclusive,
/// a path that does is intermittent interference, and a proxy on the path that keeps STARTTLS but
/// answers with its own greeting and EHLO list is a different server.
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

    private static (int, int, int, int) Counts(VerdictRecord v) => (v.Connections.Total, v.Connections.Starttls, v.Connections.NoStarttls, v.Connections.Failed);

    private static List<(string, string, bool)> ProbesOf(VerdictRecord verdict) =>
        [.. verdict.Probes.OrderBy(p => p.Vantage, StringComparer.Ordinal).Select(p => (p.Vantage, p.Outcome, p.SamePath))];

    [Fact]
    public void StrippedOnThePathButNotFromElsewhereIsInterferenceOnPath()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "strip", server: "direct");
        var capture = lab.CaptureSessions();
        var db = Path.Combine(lab.Directory, "s.db");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(capture, "--db", db));

        Assert.Equal([$"starttls-stripped/removed {Server}"], StartTlsFindings(records));
        var verdict = Assert.Single(verdicts);
        Assert.Equal(("interference-on-path", "smtp", Server, "mail.example.test", 0.6, 1, 1),
            (verdict.Verdict, verdict.Protocol, verdict.Server, verdict.ServerName, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal([("far", "ok", false), ("local", "starttls-absent", true)], ProbesOf(verdict));
        Assert.Equal(["starttls-stripped/removed"], verdict.Passive.Findings);
        Assert.Equal((3, 3, 0, 0), Counts(verdict));
        Assert.Equal("The capture saw starttls-stripped/removed, but 3 of 3 connections from far saw 10.77.0.1:25 offer STARTTLS and complete TLS: "
            + "something on the path took it away. Not counted, as they cross the capture's own path: 3 connection(s) from local (3 saw no STARTTLS)", verdict.Summary);

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
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureSessions(), "--no-db"));

        Assert.Equal([$"starttls-absent/ {Server}"], StartTlsFindings(records));
        var verdict = Assert.Single(verdicts);
        Assert.Equal(("server-lacks-tls", Server, 0.6, 1, 1), (verdict.Verdict, verdict.Server, verdict.Confidence, verdict.Agreeing, verdict.Total));
        // "here" crosses no proxy now, but the server's side strips for everyone: both see no STARTTLS
        Assert.Equal([("far", "starttls-absent", false), ("local", "starttls-absent", true)], ProbesOf(verdict));
        Assert.Equal((3, 0, 3, 0), Counts(verdict));
        Assert.Equal("The capture saw starttls-absent, and 3 of 3 connections from far saw no STARTTLS either: the server itself offers none. "
            + "Not counted, as they cross the capture's own path: 3 connection(s) from local (3 saw no STARTTLS)", verdict.Summary);
    }

    [Fact]
    public void WithNoProxyAnywhereThereIsNothingToSay()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "direct", server: "direct");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureSessions(), "--no-db"));

        Assert.Empty(StartTlsFindings(records));
        Assert.Empty(verdicts);
        var session = Assert.Single(records, r => r.GetProperty("type").GetString() == "session");
        Assert.Equal((Server, true, true), (session.GetProperty("server").GetString(), session.GetProperty("starttls_offered").GetBoolean(), session.GetProperty("tls_established").GetBoolean()));
        Assert.Equal(LinuxSynAck, TcpTraits(session.GetProperty("server_tcp")));
    }

    // What a Linux stack's SYN/ACK on the lab's veth links shows when the SYN offered everything and nothing was changed
    // (the window scale's shift follows the kernel's tcp_rmem, so only its presence is asserted).
    private static readonly (string?, int, int, string?, int, bool, string?) LinuxSynAck = ("syn-ack", 64, 0, "mss,sok,ts,nop,ws", 1460, true, "mss,sok,ts,ws");

    private static (string?, int, int, string?, int, bool, string?) TcpTraits(JsonElement tcp) =>
        (tcp.GetProperty("source").GetString(), tcp.GetProperty("initial_ttl").GetInt32(), tcp.GetProperty("hops").GetInt32(), tcp.GetProperty("options").GetString(),
            tcp.GetProperty("mss").GetInt32(), tcp.GetProperty("window_scale").ValueKind == JsonValueKind.Number, tcp.GetProperty("client_offered").GetString());

    [Fact]
    public void ARelayOnThePathFromAnotherTcpStackIsADifferentServerByItsTcpTraits()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "otherstack", server: "direct", prefix: "traits");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureSessions(), "--no-db"));

        // the dialogue passes unchanged, STARTTLS included: only the TCP/IP stack that answers differs
        var session = AssertDifferentServer(records, verdicts, "mail.example.test", [
            "TCP initial TTL: '128' here; '64' from far",
            "TCP options: 'mss' here; 'mss,sok,ts,nop,ws' from far",
            "TCP window: '64240' here; '65160' from far",
        ]);
        Assert.Equal(("syn-ack", 128, 0, "mss", 1460, false, "mss,sok,ts,ws"), TcpTraits(session.GetProperty("server_tcp")));
    }

    /// <summary>
    /// STARTTLS went through (no finding, TLS completed) under the greeting's <paramref name="serverName"/>, and the one verdict
    /// is different-server-answers from all 3 connections of far, with exactly these differences; returns the session record.
    /// </summary>
    private static JsonElement AssertDifferentServer(List<JsonElement> records, List<VerdictRecord> verdicts, string serverName, List<string> differences)
    {
        Assert.Empty(StartTlsFindings(records));
        var session = Assert.Single(records, r => r.GetProperty("type").GetString() == "session");
        Assert.Equal((serverName, true, true), (session.GetProperty("server_name").GetString(),
            session.GetProperty("starttls_offered").GetBoolean(), session.GetProperty("tls_established").GetBoolean()));
        var verdict = Assert.Single(verdicts);
        Assert.Equal(("different-server-answers", serverName, 0.6, 1, 1),
            (verdict.Verdict, verdict.ServerName, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal((3, 3, 0, 0), Counts(verdict));
        Assert.Equal(differences, verdict.Differences);
        Assert.Equal("The host that answers 10.77.0.1:25 here is not the one others reach: " + string.Join("; ", differences)
            + ". Not counted, as they cross the capture's own path: 3 connection(s) from local (3 completed TLS)", verdict.Summary);
        return session;
    }

    [Fact]
    public void AServerThatStripsEveryOtherConnectionIsInconclusiveForEveryVantage()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "direct", server: "alternate");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureSessions(), "--no-db"));

        // the capture's session was the first from the path's address: stripped at the server
        Assert.Equal([$"starttls-absent/ {Server}"], StartTlsFindings(records));
        var verdict = Assert.Single(verdicts);
        Assert.Equal(("inconclusive", 0.3, 1, 1), (verdict.Verdict, verdict.Confidence, verdict.Agreeing, verdict.Total));
        // far: stripped, relayed, stripped; local (the capture's address, next in turn): relayed, stripped, relayed
        Assert.Equal((3, 1, 2, 0), Counts(verdict));
        var far = Assert.Single(verdict.Probes, p => p.Vantage == "far");
        Assert.Equal(["starttls-absent", "ok", "starttls-absent"], far.Attempts);
        Assert.Equal(["ok", "starttls-absent", "ok"], Assert.Single(verdict.Probes, p => p.Vantage == "local").Attempts);
        Assert.Equal("1 of 3 connections offered STARTTLS (far: 1 of 3): the server varies from one connection to the next (a load-balanced or changing server), "
            + "so this is not placed on the path; the capture saw starttls-absent. "
            + "Not counted, as they cross the capture's own path: 3 connection(s) from local (2 completed TLS, 1 saw no STARTTLS)", verdict.Summary);
    }

    [Fact]
    public void APathThatStripsEveryOtherSessionIsIntermittentInterference()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "alternate", server: "direct");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureSessions(2), "--no-db"));

        Assert.Equal([$"starttls-stripped/removed {Server}"], StartTlsFindings(records));
        var sessions = records.Where(r => r.GetProperty("type").GetString() == "session").Select(r => r.GetProperty("tls_established").GetBoolean()).ToList();
        Assert.Equal([false, true], sessions);
        var verdict = Assert.Single(verdicts);
        Assert.Equal(("interference-on-path", 0.6, 1, 1), (verdict.Verdict, verdict.Confidence, verdict.Agreeing, verdict.Total));
        Assert.Equal((2, 1, 1), (verdict.Passive.Sessions, verdict.Passive.SessionsLackingStarttls, verdict.Passive.SessionsTls));
        Assert.Equal((3, 3, 0, 0), Counts(verdict));
        Assert.Equal("Along the capture's path 1 of 2 sessions lacked STARTTLS and 1 completed TLS (starttls-stripped/removed), but all 3 of 3 connections from far "
            + "saw 10.77.0.1:25 offer STARTTLS and complete TLS: intermittent interference on the path. "
            + "Not counted, as they cross the capture's own path: 3 connection(s) from local (1 completed TLS, 2 saw no STARTTLS)", verdict.Summary);
    }

    [Fact]
    public void AProxyOnThePathThatKeepsStartTlsButAnswersForTheServerIsADifferentServer()
    {
        using var nats = new NatsServer();
        using var lab = new NetnsLab(nats, path: "reanswer", server: "direct");
        var (records, verdicts) = Read(lab.ReplayWithCrossCheck(lab.CaptureSessions(), "--no-db"));

        AssertDifferentServer(records, verdicts, "relay.example.test", [
            "greeting: '220 relay.example.test ESMTP' here; '220 mail.example.test ESMTP Postfix (Debian/GNU)' from far",
            "capabilities: '8BITMIME, AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5, CHUNKING, DSN, ENHANCEDSTATUSCODES, ETRN, PIPELINING, SIZE 52428800, SMTPUTF8' here; "
                + "'8BITMIME, AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5, CHUNKING, DSN, ENHANCEDSTATUSCODES, ETRN, PIPELINING, SIZE 20480000, SMTPUTF8, VRFY' from far",
        ]);
    }
}
