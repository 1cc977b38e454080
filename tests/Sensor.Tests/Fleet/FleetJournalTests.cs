using System.Text;
using Sensor.Core.Fleet;
using Sensor.Tests.Cli;

namespace Sensor.Tests.Fleet;

/// <summary>The outbox's journal on disk: order across a reopen, only the acknowledged prefix leaves, a write cut short by a crash.</summary>
public class FleetJournalTests
{
    public static OutboxMessage Message(int n) => new($"sensor.t.finding.k{n}", $"t-finding-{n}", Encoding.UTF8.GetBytes($"{{\"n\":{n}}}"));

    /// <summary>What the outbox of <paramref name="sensor"/> in <paramref name="folder"/> holds, oldest first.</summary>
    public static List<OutboxMessage> Waiting(string folder, string sensor, List<string>? warnings = null)
    {
        using var journal = FleetJournal.Open(folder, sensor, line => warnings?.Add(line));
        return ReadAll(journal);
    }

    private static List<OutboxMessage> ReadAll(FleetJournal journal)
    {
        var messages = new List<OutboxMessage>();
        while (journal.TryRead(out var message, out _))
            messages.Add(message);
        return messages;
    }

    private static string[] Ids(IEnumerable<OutboxMessage> messages) => [.. messages.Select(m => m.MsgId)];

    [Fact]
    public void KeepsOrderAcrossAReopen_AndRemovesOnlyWhatWasAcknowledged()
    {
        var folder = SensorProcess.TempDir();
        using (var journal = FleetJournal.Open(folder, "t", _ => { }))
        {
            journal.Append([Message(1), Message(2), Message(3)]);
            Assert.True(journal.TryRead(out var first, out var end));
            Assert.Equal("t-finding-1", first.MsgId);
            journal.Acknowledge(end, 1);
            journal.Append([Message(4)]);
            Assert.Equal(3, journal.Count);
        }
        using (var reopened = FleetJournal.Open(folder, "t", _ => { }))
        {
            Assert.Equal(3, reopened.Count);
            reopened.Append([Message(5)]);
            var waiting = ReadAll(reopened);
            Assert.Equal(["t-finding-2", "t-finding-3", "t-finding-4", "t-finding-5"], Ids(waiting));
            Assert.Equal("sensor.t.finding.k2", waiting[0].Subject);
            Assert.Equal("{\"n\":2}", Encoding.UTF8.GetString(waiting[0].Data.Span));
        }
    }

    [Fact]
    public void Rewind_ReadsAgainFromTheFirstUnacknowledgedRecord()
    {
        using var journal = FleetJournal.Open(SensorProcess.TempDir(), "t", _ => { });
        journal.Append([Message(1), Message(2), Message(3)]);
        journal.TryRead(out _, out var end);
        journal.TryRead(out _, out _);
        journal.Acknowledge(end, 1);

        journal.Rewind();

        Assert.Equal(["t-finding-2", "t-finding-3"], Ids(ReadAll(journal)));
        Assert.Equal(2, journal.Count);
    }

    [Fact]
    public void AcknowledgedSegments_AreDeleted_AndAnEmptyOutboxLeavesNoRecordBehind()
    {
        var folder = SensorProcess.TempDir();
        var big = new OutboxMessage("sensor.t.session.smtp", "t-session-big", new byte[(int)(FleetJournal.SegmentBytes / 2)]);
        using (var journal = FleetJournal.Open(folder, "t", _ => { }))
        {
            journal.Append([big, big, Message(1)]); // one write past the segment size: the next batch starts a new segment
            journal.Append([Message(2)]);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, "fleet-outbox-t"), "*.seg").Length);
            for (var n = 0; n < 4; n++)
            {
                Assert.True(journal.TryRead(out _, out var end));
                journal.Acknowledge(end, 1);
            }
            Assert.Single(Directory.GetFiles(Path.Combine(folder, "fleet-outbox-t"), "*.seg"));
            Assert.Equal(0, journal.Count);
        }
        Assert.Empty(Waiting(folder, "t"));
    }

    /// <summary>A crash in the middle of a write leaves part of a frame: it is cut off, the whole frames before it stay.</summary>
    [Theory]
    [InlineData(3)] // the last frame cut short
    [InlineData(-1)] // the last frame's last byte changed: its checksum fails
    public void AFrameCutShortOrDamaged_EndsTheSegment_AndTheRecordsBeforeItStay(int cut)
    {
        var folder = SensorProcess.TempDir();
        using (var journal = FleetJournal.Open(folder, "t", _ => { }))
            journal.Append([Message(1), Message(2), Message(3)]);
        var segment = Directory.GetFiles(Path.Combine(folder, "fleet-outbox-t"), "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        if (cut > 0)
            File.WriteAllBytes(segment, bytes[..^cut]);
        else
        {
            bytes[^1] ^= 0xff;
            File.WriteAllBytes(segment, bytes);
        }

        var warnings = new List<string>();
        Assert.Equal(["t-finding-1", "t-finding-2"], Ids(Waiting(folder, "t", warnings)));
        Assert.Contains(warnings, w => w.Contains("ends in a damaged or partly written record") && w.Contains(segment));
        Assert.Equal(["t-finding-1", "t-finding-2"], Ids(Waiting(folder, "t"))); // cut once, for good
    }

    [Fact]
    public void ADamagedCommittedFile_SendsEverythingAgain_RatherThanLosingARecord()
    {
        var folder = SensorProcess.TempDir();
        using (var journal = FleetJournal.Open(folder, "t", _ => { }))
        {
            journal.Append([Message(1), Message(2)]);
            journal.TryRead(out _, out var end);
            journal.Acknowledge(end, 1);
        }
        Assert.Equal(["t-finding-2"], Ids(Waiting(folder, "t")));
        var committed = Path.Combine(folder, "fleet-outbox-t", "committed");
        var bytes = File.ReadAllBytes(committed);
        bytes[0] ^= 0xff;
        File.WriteAllBytes(committed, bytes);

        Assert.Equal(["t-finding-1", "t-finding-2"], Ids(Waiting(folder, "t")));
    }

    [Fact]
    public void OutboxFiles_AreOwnerOnly()
    {
        var folder = SensorProcess.TempDir();
        using (var journal = FleetJournal.Open(folder, "t", _ => { }))
            journal.Append([Message(1)]);
        var outbox = Path.Combine(folder, "fleet-outbox-t");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(outbox));
        Assert.All(Directory.GetFiles(outbox), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }
}
