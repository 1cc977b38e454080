using Sensor.Core.Output;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.Cli;

/// <summary>The human summary of a replay and the one-line form of a finding.</summary>
public class ReplaySummaryTests
{
    [Fact]
    public void EachFindingShowsItsTimeAndId_AndALineLongerThanATerminalIsNotWrappedIntoAFile()
    {
        var run = Run("replay", BundledCapture("smtp-strip-removed.pcap"), "--no-db");

        Assert.Equal(0, run.ExitCode);
        var lines = run.StdoutLines;
        int removed = Array.FindIndex(lines, l => l.StartsWith("high starttls-stripped/removed  smtp 127.0.0.1:58164 -> 127.0.0.2:25"));
        Assert.True(removed >= 0, run.Stdout);
        Assert.Matches("^       127\\.0\\.0\\.2:25 offered no STARTTLS, but it is known to: offered in session [0-9a-f]{16} of this capture$", lines[removed + 1]);
        Assert.Equal("       2026-11-29T17:52:34.408844Z  id 72bfea88df988be9", lines[removed + 2]);
    }

    [Fact]
    public void AFindingLine_HasTimeSeverityKindEndpointsUserSummaryAndId_WithControlsEscaped()
    {
        var record = new FindingRecord
        {
            Ts = "2026-01-05T09:00:00.000001Z", Id = "0123456789abcdef", Kind = "plaintext-credential", Variant = "imap-login",
            Severity = "high", Protocol = "imap", Client = "192.0.2.7:40000", Server = "198.51.100.143:143",
            Summary = "LOGIN for 'bob\u001b[31m' in the clear", Evidence = { ["user"] = "bob\u001b[31m" },
        };
        Assert.Equal(
            "2026-01-05T09:00:00.000001Z [high] plaintext-credential/imap-login imap 192.0.2.7:40000 -> 198.51.100.143:143 user=bob\\x1b[31m: " +
            "LOGIN for 'bob\\x1b[31m' in the clear (id 0123456789abcdef)",
            FindingLine.Format(record));
        Assert.StartsWith("2026-01-05T09:00:00.000001Z edge-a [high] ", FindingLine.Format(record, "edge-a"));
        Assert.Equal("2026-01-05T09:00:00.000001Z [medium] cleartext-mail smtp a -> b: m (id 1)",
            FindingLine.Format(new FindingRecord { Ts = "2026-01-05T09:00:00.000001Z", Id = "1", Kind = "cleartext-mail", Severity = "medium", Protocol = "smtp", Client = "a", Server = "b", Summary = "m" }));
    }
}
