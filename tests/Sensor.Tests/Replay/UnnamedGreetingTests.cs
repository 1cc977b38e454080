namespace Sensor.Tests.Replay;

/// <summary>
/// Dovecot's submission service greets "220 submission.example.test Dovecot (Debian) ready." on
/// 127.0.0.1:2587: no port and no "SMTP" word say what it is, the client's EHLO does. Before, the
/// three sessions of the real capture were not recognised at all.
/// </summary>
public class UnnamedGreetingTests
{
    private static List<SegmentSpec> Capture() =>
        ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "smtp-dovecot-submission.pcap"));

    [Fact]
    public void DovecotSubmissionIsSmtpByTheClientsHello()
    {
        var sink = ReplayHarness.RunSegments(Capture());

        Assert.Equal(3, sink.Sessions.Count);
        Assert.All(sink.Sessions, s => Assert.Equal(("smtp", "submission.example.test"), (s.Protocol, s.ServerName)));
        Assert.Equal(["cleartext-mail", "crackable-credential", "plaintext-credential"], sink.Findings.Select(f => f.Kind).Order());
    }

    [Fact]
    public void TheSameGreetingAnsweredByAnFtpCommandIsNotMail()
    {
        // every EHLO becomes an FTP USER line of the same length, so the TCP sequence numbers still fit
        var ftp = Capture().Select(s => s.Payload.AsSpan().StartsWith("EHLO "u8)
            ? s with { Payload = [.. "USER "u8, .. Enumerable.Repeat((byte)'a', s.Payload.Length - 7), .. "\r\n"u8] }
            : s).ToList();

        Assert.Empty(ReplayHarness.RunSegments(ftp).Sessions);
    }
}
