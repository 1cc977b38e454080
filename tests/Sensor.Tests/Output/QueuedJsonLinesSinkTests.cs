using System.Text;
using Sensor.Core.Output;
using Xunit;

namespace Sensor.Tests.Output;

public class QueuedJsonLinesSinkTests
{
    private static FindingRecord Finding(int i) => new() { Id = $"f{i}", Kind = "cleartext-mail", Evidence = new() { ["n"] = i.ToString() } };
    private static SessionRecord Session(int i) => new() { Id = $"s{i}", Protocol = "smtp" };

    [Fact]
    public void Writes_the_same_lines_in_the_same_order_as_the_writer_alone()
    {
        using var direct = new MemoryStream();
        using var queued = new MemoryStream();
        using (var writer = new JsonLinesWriter(direct))
        {
            for (int i = 0; i < 2000; i++)
            {
                writer.Write(Session(i));
                writer.Write(Finding(i));
            }
        }
        using (var writer = new JsonLinesWriter(queued))
        using (var sink = new QueuedJsonLinesSink(writer))
        {
            for (int i = 0; i < 2000; i++)
            {
                sink.OnSession(null!, new SessionRecordOnDemand(Session(i)));
                sink.OnFinding(null!, Finding(i));
            }
            sink.Complete();
        }
        var lines = Encoding.UTF8.GetString(queued.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4000, lines.Length);
        Assert.Contains("\"id\":\"s0\"", lines[0]);
        Assert.Contains("\"id\":\"f1999\"", lines[^1]);
        Assert.Equal(direct.ToArray(), queued.ToArray());
    }

    [Fact]
    public void A_write_failure_is_rethrown_by_complete_and_stops_the_sender()
    {
        // Not disposed: its final flush would fail on the same stream.
        var writer = new JsonLinesWriter(new FailingStream(), flushEachLine: true);
        using var sink = new QueuedJsonLinesSink(writer);
        var thrown = Assert.Throws<IOException>(() =>
        {
            for (int i = 0; i < 100_000; i++)
                sink.OnSession(null!, new SessionRecordOnDemand(Session(i)));
            sink.Complete();
        });
        Assert.Equal("Broken pipe", thrown.Message);
        Assert.Throws<IOException>(sink.Complete);
    }

    [Fact]
    public void Nothing_recorded_writes_nothing()
    {
        using var output = new MemoryStream();
        using (var writer = new JsonLinesWriter(output))
        using (var sink = new QueuedJsonLinesSink(writer))
            sink.Complete();
        Assert.Empty(output.ToArray());
    }

    private sealed class FailingStream : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) { }
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
    }
}
