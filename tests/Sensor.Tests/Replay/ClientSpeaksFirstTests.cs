using Sensor.Core.Decoding;

namespace Sensor.Tests.Replay;

/// <summary>
/// Exim's PIPECONNECT: the client sends EHLO before the server's 220. On a mail port the port says
/// SMTP; on any other port the server's first line, which comes after the client's, must decide.
/// The real Exim capture, moved from 2525 to 2528 (a port nothing names).
/// </summary>
public class ClientSpeaksFirstTests
{
    private static List<SegmentSpec> OnPort(ushort from, ushort to) =>
        ReplayHarness.Segments(Path.Combine(Manifest.CapturesDirectory, "smtp-exim-pipeconnect-bdat.pcap"))
            .Select(s => s with
            {
                Source = s.Source.Port == from ? s.Source with { Port = to } : s.Source,
                Destination = s.Destination.Port == from ? s.Destination with { Port = to } : s.Destination,
            }).ToList();

    [Fact]
    public void AnEarlyEhloOnAnUnnamedPortIsKnownBySMTPsGreetingThatFollows()
    {
        var onStandardPort = ReplayHarness.RunSegments(OnPort(2525, 2525));
        var moved = ReplayHarness.RunSegments(OnPort(2525, 2528));

        Assert.Equal(2, moved.Sessions.Count);
        Assert.Equal(onStandardPort.Sessions.Select(s => (s.Protocol, s.ServerName, s.Messages, s.Client)),
            moved.Sessions.Select(s => (s.Protocol, s.ServerName, s.Messages, s.Client)));
        Assert.Equal(onStandardPort.Findings.Select(f => (f.Kind, f.Variant)), moved.Findings.Select(f => (f.Kind, f.Variant)));
    }

    [Fact]
    public void AnEarlyEhloAnsweredByNoMailGreetingIsNotMail()
    {
        var segments = OnPort(2525, 2528);
        // the server answers like a web server instead: the client's EHLO alone makes no session
        var http = segments.Select(s => s.Source.Port == 2528 && s.Payload.Length > 0
            ? s with { Payload = "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray() } : s).ToList();
        Assert.Empty(ReplayHarness.RunSegments(http).Sessions);
    }
}
