using System.Text;
using Sensor.Core.Output;

namespace Sensor.Tests.Replay;

/// <summary>
/// The captures of make-wiresem.sh, field by field: the server's side of a mangled STARTTLS, the client
/// that was not shown STARTTLS, HTTP on mail ports, and credentials exactly as they crossed.
/// </summary>
public class WireSemanticsReplayTests
{
    private const string Password = "Ünïcødé-Pä55\\x"; // one backslash

    private static CollectingSink Run(string file, bool showSecrets = false) =>
        ReplayHarness.RunFiles(showSecrets, Path.Combine(Manifest.CapturesDirectory, file)).Sink;

    [Theory]
    [InlineData("smtp-server-side-mangled-command.pcap", "127.0.0.1:25", "XXXXXXXA")]
    [InlineData("imap-server-side-mangled-command.pcap", "127.0.0.1:143", "XXXXXXXA")]
    [InlineData("pop3-server-side-mangled-command.pcap", "127.0.0.1:110", "XXXX")]
    public void A_starttls_overwritten_on_the_way_to_the_server_is_mangled_on_the_servers_side(string file, string server, string command)
    {
        var sink = Run(file);

        var session = Assert.Single(sink.Sessions);
        Assert.True(session.StarttlsOffered);
        Assert.False(session.StarttlsAttempted); // the server never got a STARTTLS
        var strip = Assert.Single(sink.Findings, f => f.Kind == "starttls-stripped");
        Assert.Equal("mangled", strip.Variant);
        Assert.Equal(server, strip.Server);
        Assert.StartsWith("127.0.0.62:", strip.Client);
        Assert.Equal(command, strip.Evidence["command"]);
        Assert.Equal("client", strip.Evidence["direction"]);
        Assert.Equal(0.9, strip.Confidence);
    }

    [Theory]
    [InlineData("smtp-server-side-not-shown.pcap", "smtp-auth-plain")]
    [InlineData("imap-server-side-not-shown.pcap", "imap-authenticate-plain")]
    [InlineData("pop3-server-side-not-shown.pcap", "pop3-auth-plain")]
    public void A_client_that_used_starttls_before_and_now_logs_in_in_the_clear_was_not_shown_it(string file, string credential)
    {
        var sink = Run(file);

        Assert.Equal(2, sink.Sessions.Count);
        var (clean, clear) = (sink.Sessions[0], sink.Sessions[1]);
        Assert.True(clean.TlsEstablished);
        Assert.DoesNotContain(sink.Findings, f => f.Session == clean.Id); // a clean STARTTLS session: no credential, no stripping
        var notShown = Assert.Single(sink.Findings, f => f.Kind == "starttls-stripped");
        Assert.Equal("not-shown-to-client", notShown.Variant);
        Assert.Equal(clear.Id, notShown.Session);
        Assert.Equal(clean.Id, notShown.Evidence["earlier_session"]);
        Assert.True(notShown.Confidence < 0.9); // weaker than a strip seen on the wire
        var leaked = Assert.Single(sink.Findings, f => f.Kind == "plaintext-credential");
        Assert.Equal((credential, "alice@example.test"), (leaked.Variant, leaked.Evidence["user"]));
    }

    [Theory]
    [InlineData("smtp-http-post-port25.pcap", 1)]
    [InlineData("smtp-http-post-port2600.pcap", 0)]
    [InlineData("pop3-http-post.pcap", 1)]
    public void An_http_post_with_starttls_in_its_body_is_no_mail_dialogue(string file, int sessions)
    {
        var sink = Run(file);

        Assert.Empty(sink.Findings);
        Assert.Equal(sessions, sink.Sessions.Count);
        foreach (var session in sink.Sessions)
        {
            Assert.False(session.StarttlsAttempted);
            Assert.Empty(session.Auth);
            Assert.Equal(["not-mail-client"], session.Anomalies);
        }
    }

    [Theory]
    [InlineData("smtp-auth-unicode.pcap", 2)]
    [InlineData("imap-login-unicode.pcap", 1)]
    [InlineData("pop3-user-pass-unicode.pcap", 1)]
    public void With_show_secrets_the_secret_is_the_exact_text_that_crossed(string file, int dave)
    {
        var shown = Run(file, showSecrets: true).Findings.Where(f => f.User() == "dave").ToList();

        Assert.Equal(dave, shown.Count);
        foreach (var finding in shown)
        {
            Assert.Equal(Password, finding.Evidence["secret"]);
            Assert.False(finding.Evidence.ContainsKey("secret_base64"));
        }
    }

    [Fact]
    public void A_secret_that_is_not_utf8_is_shown_escaped_with_its_bytes_beside_it_and_neither_by_default()
    {
        var shown = Assert.Single(Run("pop3-user-pass-unicode.pcap", showSecrets: true).Findings, f => f.User() == "erin");
        Assert.Equal("caf\\xe9-Pa55", shown.Evidence["secret"]);
        Assert.Equal([0x63, 0x61, 0x66, 0xe9, 0x2d, 0x50, 0x61, 0x35, 0x35], Convert.FromBase64String((string)shown.Evidence["secret_base64"]!));

        var redacted = Assert.Single(Run("pop3-user-pass-unicode.pcap").Findings, f => f.User() == "erin");
        Assert.Equal("redacted", redacted.Evidence["secret"]);
        Assert.False(redacted.Evidence.ContainsKey("secret_base64"));
        Assert.Equal(shown.Evidence["secret_fingerprint"], redacted.Evidence["secret_fingerprint"]);
    }

    [Theory]
    [InlineData("smtp-auth-unicode.pcap")]
    [InlineData("imap-login-unicode.pcap")]
    [InlineData("pop3-user-pass-unicode.pcap")]
    public void By_default_no_secret_nor_its_bytes_reach_the_json(string file)
    {
        var json = JsonOf(Run(file));

        Assert.DoesNotContain("Ünïcødé", json);
        Assert.DoesNotContain("caf", json);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), json);
        Assert.DoesNotContain("secret_base64", json);
        Assert.Contains("\"secret\":\"redacted\"", json);
    }

    [Fact]
    public void The_json_writer_escapes_a_backslash_once_and_session_and_finding_name_the_same_user()
    {
        var sink = Run("imap-login-unicode.pcap", showSecrets: true);

        Assert.Contains("\"secret\":\"Ünïcødé-Pä55\\\\x\"", JsonOf(sink)); // JSON's one escape of one backslash
        Assert.Equal(Assert.Single(Assert.Single(sink.Sessions).Auth).User, Assert.Single(sink.Findings).Evidence["user"]);
    }

    private static string JsonOf(CollectingSink sink)
    {
        using var output = new MemoryStream();
        using (var writer = new JsonLinesWriter(output))
        {
            foreach (var session in sink.Sessions)
                writer.Write(session);
            foreach (var finding in sink.Findings)
                writer.Write(finding);
        }
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
