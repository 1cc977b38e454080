using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Tests.Decoding;
using static Sensor.Tests.Capture.TestCaptureFiles;

namespace Sensor.Tests.Capture;

public class EvidenceTests
{
    private static readonly long T0 = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc).Ticks;

    [Theory]
    [InlineData(false, 10)]
    [InlineData(true, 1)]
    public void Writer_RoundTripsThroughTheReader_WithOwnerOnlyMode(bool nanosecond, long tickStep)
    {
        using var output = new TempFile();
        using (var writer = new EvidencePcapWriter(output.Path, LinkType.LinuxSll2, nanosecond))
        {
            writer.Write(T0, [1, 2, 3], 3);
            writer.Write(T0 + tickStep, [4, 5], 1514);
            Assert.Equal(2, writer.Packets);
        }
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output.Path));
        var handler = new RecordingHandler();
        new CaptureReader([output.Path]).Read(handler);
        Assert.Equal([(T0, 3), (T0 + tickStep, 1514)], handler.Packets.Select(p => (p.Ticks, p.OriginalLength)));
        Assert.All(handler.Packets, p => Assert.Equal(LinkType.LinuxSll2, p.LinkType));
    }

    [Fact]
    public void Writer_TightensTheModeOfAnExistingFile()
    {
        using var output = new TempFile([0]);
        if (OperatingSystem.IsWindows())
            return;
        File.SetUnixFileMode(output.Path, (UnixFileMode)0b110_100_100);
        using (new EvidencePcapWriter(output.Path, LinkType.Ethernet)) { }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output.Path));
    }

    [Fact]
    public void Writer_StoresRawIpAsLinktypeRaw()
    {
        using var output = new TempFile();
        using (var writer = new EvidencePcapWriter(output.Path, LinkType.RawBsd12)) { }
        Assert.Equal(101, BitConverter.ToInt32(File.ReadAllBytes(output.Path), 20));
    }

    [Fact]
    public void Exporter_WritesEachSelectedFlow_BothDirections_WithinItsTimeWindow()
    {
        var c2s = Frames.Ethernet(Frames.Tcp(sport: 40000, dport: 25, payload: "EHLO a\r\n"u8.ToArray()));
        var s2c = Frames.Ethernet(Frames.Tcp(sport: 25, dport: 40000, payload: "250 ok\r\n"u8.ToArray()), fromServer: true);
        var other = Frames.Ethernet(Frames.Tcp(sport: 40001, dport: 25, payload: "x"u8.ToArray()));
        using var capture = new TempFile(Classic(LinkType.Ethernet,
        [
            new(T0, c2s), new(T0 + 10, other), new(T0 + 20, s2c), new(T0 + 30, other), new(T0 + 40, c2s),
        ]));
        using var first = new TempFile();
        using var second = new TempFile();
        var client = Endpoint.Parse("192.0.2.10:40000");
        var server = Endpoint.Parse("198.51.100.25:25");
        var result = EvidenceExporter.Export([capture.Path],
        [
            new FlowSelector(client, server, T0, T0 + 20, first.Path),
            new FlowSelector(Endpoint.Parse("192.0.2.10:40001"), server, T0, T0 + 100, second.Path),
        ]);
        Assert.Equal([2L, 2L], result.PacketsWritten);
        var handler = new RecordingHandler();
        new CaptureReader([first.Path]).Read(handler);
        Assert.Equal([c2s, s2c], handler.Packets.Select(p => p.Data));
        Assert.Equal([T0, T0 + 20], handler.Packets.Select(p => p.Ticks));
    }

    [Fact]
    public void Exporter_NoMatch_WritesNoFile()
    {
        using var capture = new TempFile(Classic(LinkType.Ethernet, [new(T0, Frames.Ethernet(Frames.Tcp()))]));
        var path = TempPath(".pcap");
        var result = EvidenceExporter.Export([capture.Path],
            [new FlowSelector(Endpoint.Parse("192.0.2.1:1"), Endpoint.Parse("192.0.2.2:25"), 0, long.MaxValue, path)]);
        Assert.Equal([0L], result.PacketsWritten);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Pool_ClosesTheLeastRecentFile_AndAppendsWhenItsFlowGoesOn()
    {
        var paths = Enumerable.Range(0, 5).Select(_ => TempPath(".pcap")).ToList();
        using (var pool = new EvidenceWriterPool(paths, nanosecond: true, maxOpen: 2))
        {
            for (int round = 0; round < 3; round++)
                for (int file = 0; file < paths.Count; file++)
                    pool.Write(file, new RawPacket(T0 + round * 10 + file, LinkType.Ethernet, [(byte)file, (byte)round], 2, 0));
            pool.Write(4, new RawPacket(T0 + 99, LinkType.Raw, [9], 1, 0)); // another link type cannot join the file
            Assert.Equal([3L, 3L, 3L, 3L, 3L], pool.Packets);
        }
        for (int file = 0; file < paths.Count; file++)
        {
            var handler = new RecordingHandler();
            new CaptureReader([paths[file]]).Read(handler);
            Assert.Equal([[(byte)file, 0], [(byte)file, 1], [(byte)file, 2]], handler.Packets.Select(p => p.Data));
            Assert.Equal([T0 + file, T0 + 10 + file, T0 + 20 + file], handler.Packets.Select(p => p.Ticks));
            File.Delete(paths[file]);
        }
    }
}
