namespace Sensor.Tests.Replay;

/// <summary>Every real capture against its manifest entry, exactly: these sessions and findings, nothing else.</summary>
public class ManifestReplayTests
{
    public static TheoryData<string> CaptureFiles()
    {
        var data = new TheoryData<string>();
        foreach (var capture in Manifest.Load().Captures)
            data.Add(capture.File);
        return data;
    }

    private static ManifestCapture Entry(string file) => Manifest.Load().Captures.Single(c => c.File == file);

    [Theory]
    [MemberData(nameof(CaptureFiles))]
    public void YieldsExactlyTheManifest(string file)
    {
        var expected = Entry(file);
        var (sink, read) = ReplayHarness.RunFiles(expected.Path);

        Assert.Equal(Expected(expected.Sessions.Select(s => s.ToString())), sink.SessionLines());
        Assert.Equal(Expected(expected.Findings.Select(f => f.ToString())), sink.FindingLines());
        Assert.Equal(expected.Truncated, read.Truncations.Count > 0);
    }

    [Fact]
    public void NoSecretReachesTheRecords()
    {
        foreach (var capture in Manifest.Load().Captures)
        {
            var (sink, _) = ReplayHarness.RunFiles(capture.Path);
            foreach (var finding in sink.Findings)
                if (finding.Evidence.TryGetValue("secret", out var secret))
                    Assert.Equal("redacted", secret);
        }
    }

    [Theory]
    [InlineData("smtp-auth-plain-cleartext.pcap", true)]
    [InlineData("pop3-user-pass-cleartext.pcap", true)]
    public void CredentialRecordsSayWhetherTheServerAcceptedThem(string file, bool accepted)
    {
        var (sink, _) = ReplayHarness.RunFiles(Entry(file).Path);
        var auth = Assert.Single(Assert.Single(sink.Sessions).Auth);
        Assert.Equal(accepted, auth.Accepted);
        Assert.Equal(accepted, Assert.Single(sink.Findings, f => f.Kind == "plaintext-credential").Evidence["accepted"]);
    }

    /// <summary>Timestamps come from libpcap's record headers read in place: every format must give the capture's own time.</summary>
    [Theory]
    [InlineData("smtp-auth-plain-cleartext.pcap", "2026-11-29T12:00:50.167014Z")]
    [InlineData("smtp-auth-plain-cleartext.pcapng", "2026-11-29T12:00:50.167014Z")]
    [InlineData("smtp-auth-plain-cleartext-bigendian.pcap", "2026-11-29T12:00:50.167014Z")]
    [InlineData("smtp-auth-plain-nanosecond.pcap", "2026-11-29T12:03:26.265530Z")]
    public void SessionTimesAreTheCapturesOwn(string file, string start)
    {
        var (sink, _) = ReplayHarness.RunFiles(Entry(file).Path);
        Assert.Equal(start, Assert.Single(sink.Sessions).Start);
    }

    private static List<string> Expected(IEnumerable<string> lines) => lines.Order(StringComparer.Ordinal).ToList();
}
