using System.Net;
using System.Text.Json;
using Sensor.Tests.Live;
using Sensor.Tests.Probing;

namespace Sensor.Tests.LiveNet;

/// <summary>
/// `sensor live` on a veth whose other end is in a namespace the test creates: real clients (swaks, the
/// scripted IMAP client) run in the namespace and reach the real loopback postfix/dovecot through socat
/// on the veth address (and, for an attack, through the strip proxy too). The sensor sees only the
/// client leg, as a span port in front of a mail server would, and runs with its default filter.
/// </summary>
[Collection(VethCollection.Name)]
[Trait(TestCategories.Name, TestCategories.Integration)]
public class VethSessionTests
{
    private const string Alice = "alice@example.test";
    private const string AlicePassword = "S3cret-Pa55";
    private const string StripProxyAddress = "127.0.0.42";

    [Fact]
    public void CleanStarttlsSession_HasNoFinding_ThenStrippingOnTheSamePath_IsReportedAsRemoved()
    {
        using var veth = VethNamespace.Create(addressed: true);
        const int port = 2587;
        var server = $"{veth.HostAddress}:{port}";
        using var sensor = VethSensor.Start(veth);

        using (new SocatForwarder(veth.HostAddress!, port, "127.0.0.1:587"))
            Swaks(veth, port, "--tls");
        Assert.True(sensor.WaitForStdout(l => IsSession(l, server), TimeSpan.FromSeconds(20)), "clean session not reported; " + sensor.Stderr);

        // An attacker appears on the path: same server address, STARTTLS now stripped from the EHLO reply.
        var proxyPort = ProbeTestSupport.FreePort(IPAddress.Parse(StripProxyAddress));
        using (var proxy = new StripProxy("smtp", "strip", "127.0.0.1:587", StripProxyAddress, proxyPort))
        using (new SocatForwarder(veth.HostAddress!, port, proxy.Listen))
            Swaks(veth, port, "--tls-optional");
        Assert.True(sensor.WaitForStdout(l => l.Contains("\"starttls-stripped\""), TimeSpan.FromSeconds(20)), "no stripping finding; " + sensor.Stderr);

        Assert.Equal(0, sensor.Interrupt("TERM"));
        var sessions = Records(sensor, "session");
        Assert.Equal(2, sessions.Count);
        var (clean, stripped) = (sessions[0], sessions[1]);
        Assert.All(sessions, s => Assert.Equal(server, s.GetProperty("server").GetString()));
        Assert.All(sessions, s => Assert.StartsWith($"{veth.InnerAddress}:", s.GetProperty("client").GetString()));
        Assert.True(clean.GetProperty("tls_established").GetBoolean());
        Assert.False(stripped.GetProperty("starttls_offered").GetBoolean());
        var strippedClient = stripped.GetProperty("client").GetString()!;
        Assert.Equal(
            new[]
            {
                ("cleartext-mail", (string?)null, strippedClient, server, (string?)null),
                ("plaintext-credential", "smtp-auth-plain", strippedClient, server, Alice),
                ("starttls-stripped", "removed", strippedClient, server, null),
            },
            Findings(sensor));
        Assert.DoesNotContain(AlicePassword, sensor.Stdout);
    }

    [Fact]
    public void ImapLoginInTheClear_IsOnePlaintextCredential_AndNoStripping()
    {
        using var veth = VethNamespace.Create(addressed: true);
        const int port = 1143;
        var server = $"{veth.HostAddress}:{port}";
        using var sensor = VethSensor.Start(veth);

        using (new SocatForwarder(veth.HostAddress!, port, "127.0.0.1:143"))
            veth.Exec(TimeSpan.FromSeconds(30), "python3", MailboxClient, "imap-quoted", veth.HostAddress!.ToString(), port.ToString(), Alice, AlicePassword)
                .EnsureSuccess("mailbox_client.py");
        Assert.True(sensor.WaitForStdout(l => IsSession(l, server), TimeSpan.FromSeconds(20)), "session not reported; " + sensor.Stderr);

        Assert.Equal(0, sensor.Interrupt("TERM"));
        var session = Assert.Single(Records(sensor, "session"));
        Assert.Equal("imap", session.GetProperty("protocol").GetString());
        Assert.True(session.GetProperty("starttls_offered").GetBoolean());
        Assert.False(session.GetProperty("starttls_attempted").GetBoolean());
        var client = session.GetProperty("client").GetString()!;
        Assert.StartsWith($"{veth.InnerAddress}:", client);
        Assert.Equal(new[] { ("plaintext-credential", (string?)"imap-login", client, server, (string?)Alice) }, Findings(sensor));
        Assert.DoesNotContain(AlicePassword, sensor.Stdout);
    }

    private static string MailboxClient => Path.Combine(ProbeTestSupport.RepoRoot(), "captures", "tools", "mailbox_client.py");

    /// <summary>swaks in the namespace: AUTH PLAIN as alice and one message, with the given TLS switch.</summary>
    private static void Swaks(VethNamespace veth, int port, string tls) =>
        veth.Exec(TimeSpan.FromSeconds(60), "swaks", "--server", $"{veth.HostAddress}:{port}", tls,
                "--ehlo", "client.example.test", "--from", Alice, "--to", "bob@example.test",
                "--auth", "PLAIN", "--auth-user", Alice, "--auth-password", AlicePassword)
            .EnsureSuccess("swaks " + tls);

    private static bool IsSession(string line, string server) =>
        line.Contains("\"type\":\"session\"") && line.Contains($"\"server\":\"{server}\"");

    private static List<JsonElement> Records(LiveSensorProcess sensor, string type) =>
        sensor.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == type).ToList();

    /// <summary>Every finding as (kind, variant, client, server, user), sorted.</summary>
    private static (string, string?, string, string, string?)[] Findings(LiveSensorProcess sensor) =>
        Records(sensor, "finding")
            .Select(f => (f.GetProperty("kind").GetString()!, f.GetProperty("variant").GetString(),
                f.GetProperty("client").GetString()!, f.GetProperty("server").GetString()!, EvidenceUser(f)))
            .Order().ToArray();

    private static string? EvidenceUser(JsonElement finding) =>
        finding.TryGetProperty("evidence", out var evidence) && evidence.TryGetProperty("user", out var user) ? user.GetString() : null;
}

/// <summary>The veth tests run one at a time: each starts a sensor and real traffic, and the machine has two cores.</summary>
[CollectionDefinition(Name)]
public class VethCollection
{
    public const string Name = "veth";
}
