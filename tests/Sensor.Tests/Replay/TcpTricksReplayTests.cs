namespace Sensor.Tests.Replay;

/// <summary>
/// Real sessions with what an on-path attacker adds (captures/tools/make-tcp-tricks.sh): the verdict is the
/// one the endpoints' stacks reach, not the one the forged packets offer. The manifest checks sessions and
/// findings; these check the anomalies, the evidence and the secret that the manifest does not carry.
/// </summary>
public class TcpTricksReplayTests
{
    private static CollectingSink Run(string file) => ReplayHarness.RunFiles(Path.Combine(Manifest.CapturesDirectory, file)).Sink;

    [Theory]
    [InlineData("smtp-race-stripped-first.pcap", "second", "the client sent STARTTLS")]
    [InlineData("smtp-race-stripped-believed.pcap", "first", "the client went on in the clear")]
    public void InjectionRace_IsAFindingOfItsOwn_WithBothVersionsAndWhatTheClientBelieved(string file, string believed, string acted)
    {
        var sink = Run(file);
        var race = Assert.Single(sink.Findings, f => f.Variant == "injected-reply");
        Assert.Equal("starttls-stripped", race.Kind);
        Assert.Equal(believed, race.Evidence["believed"] as string);
        Assert.Equal(("not-offered", "offered"), (race.Evidence["first_stance"] as string, race.Evidence["second_stance"] as string));
        Assert.StartsWith("250-mail.example.test              \\x0d\\x0a250-PIPELINING", (string?)race.Evidence["first"]);
        Assert.StartsWith("250-mail.example.test\\x0d\\x0a250-PIPELINING", (string?)race.Evidence["second"]);
        Assert.Contains("250-STARTTLS", (string?)race.Evidence["second"]);
        Assert.EndsWith(acted, race.Summary);
        Assert.DoesNotContain(sink.Findings, f => f.Kind == "starttls-absent" || f.Variant == "removed");
        Assert.Equal(["overlap-conflict-server"], Assert.Single(sink.Sessions).Anomalies);
    }

    [Fact]
    public void ForgedReplyWithABadChecksum_IsNotTheSessionsViewOfTheServer()
    {
        var sink = Run("smtp-forged-bad-checksum.pcap");
        var session = Assert.Single(sink.Sessions);
        Assert.True(session.StarttlsOffered);
        Assert.Contains("STARTTLS", session.Capabilities);
        Assert.Equal(["bad-checksum-server"], session.Anomalies);
        Assert.Empty(sink.Findings);
    }

    [Fact]
    public void InWindowRst_NotAtTheNextSequenceNumber_LeavesOneSession()
    {
        var sink = Run("imap-rst-in-window.pcap");
        var session = Assert.Single(sink.Sessions);
        Assert.Equal(["reset-ignored-server"], session.Anomalies);
        Assert.Equal("bob", Assert.Single(session.Auth).User);
        Assert.Equal("bob", Assert.Single(sink.Findings).Evidence["user"]);
    }

    [Fact]
    public void UrgentByteInThePassword_TheCredentialIsTheOneTheServerChecked()
    {
        var sink = Run("imap-urgent-login.pcap");
        var credential = Assert.Single(Assert.Single(sink.RawSessions).Credentials);
        Assert.Equal(("bob", "hunter2", true), (credential.Credential.User, credential.Credential.Secret, credential.Accepted));
        Assert.Equal(["urgent-data-client"], Assert.Single(sink.Sessions).Anomalies);
    }

    [Theory]
    [InlineData("smtp-starttls-clean.pcap")]            // offloaded checksums (tcpdump on lo): nothing verified, nothing dropped
    [InlineData("smtp-auth-plain-cleartext.pcap")]
    [InlineData("imap-login-cleartext.pcap")]
    public void CleanSessions_NoRaceNoChecksumNoResetAnomaly(string file)
    {
        var sink = Run(file);
        Assert.DoesNotContain(sink.Findings, f => f.Variant == "injected-reply");
        Assert.DoesNotContain(sink.Sessions.SelectMany(s => s.Anomalies), a => a.StartsWith("bad-checksum") || a.StartsWith("reset-ignored") || a.StartsWith("urgent"));
    }

    [Fact]
    public void CleanStartTls_NoCredentialNoStripping()
    {
        var sink = Run("smtp-starttls-clean.pcap");
        Assert.All(sink.Sessions, s => Assert.Equal((true, true, true), (s.StarttlsOffered, s.StarttlsAttempted, s.TlsEstablished)));
        Assert.Empty(sink.Findings);
    }
}
