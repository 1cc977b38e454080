using System.Text;
using Sensor.Core.Output;
using Xunit;

namespace Sensor.Tests.Output;

public class JsonLinesWriterTests
{
    /// <summary>Records every write it is given, as the stream saw it.</summary>
    private sealed class WriteLog : MemoryStream
    {
        public List<string> Writes { get; } = [];

        // MemoryStream hands a span write of a derived class to Write(byte[], ...): logged there only.
        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add(Encoding.UTF8.GetString(buffer, offset, count));
            base.Write(buffer, offset, count);
        }
    }

    private static SessionRecord Session(int i) => new() { Id = $"s{i}", Protocol = "smtp", Banner = new string('b', i % 300) };

    [Fact]
    public void Replay_WritesOnlyWholeLines_InBlocksOfAtLeastTheBufferSize()
    {
        var log = new WriteLog();
        using (var writer = new JsonLinesWriter(log))
            for (int i = 0; i < 3000; i++)
                writer.Write(Session(i));
        Assert.All(log.Writes, w => Assert.EndsWith("\n", w));
        Assert.All(log.Writes[..^1], w => Assert.True(Encoding.UTF8.GetByteCount(w) >= JsonLinesWriter.BufferBytes));
        var lines = Encoding.UTF8.GetString(log.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3000, lines.Length);
        Assert.StartsWith("{\"type\":\"session\",\"ts\":\"\",\"id\":\"s2999\",", lines[^1]);
    }

    [Fact]
    public void Live_WritesEachLineAtOnce_AndNothingMoreOnDispose()
    {
        var log = new WriteLog();
        using (var writer = new JsonLinesWriter(log, flushEachLine: true))
        {
            writer.Write(Session(1));
            Assert.Single(log.Writes);
            writer.Write(Session(2));
            Assert.Equal(2, log.Writes.Count);
        }
        // An empty write at the end would make a rotating file rotate past its time boundary.
        Assert.Equal(2, log.Writes.Count);
    }
}
