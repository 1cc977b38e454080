using System.Buffers.Binary;
using System.Text;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Tests.Capture;

namespace Sensor.Tests.Replay;

/// <summary>
/// A pcapng timestamp is 64 bits in any unit: a hostile file can name a time DateTime cannot hold.
/// Found by fuzz/ (target replay): the replay died with ArgumentOutOfRangeException when the session's
/// record formatted its start time. Such times are pinned to DateTime's range instead.
/// </summary>
public class HostileTimestampTests
{
    private static readonly long T0 = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc).Ticks;
    private const int FirstEpbTimestampHigh = 28 + 20 + 12; // SHB (28 bytes), IDB (20), then the EPB's type, length, interface id

    /// <summary>A server greeting from port 25 in one raw-IP frame: enough for a session and its record.</summary>
    private static byte[] GreetingFrame() => new SegmentSpec(T0,
        new Endpoint(NetAddress.FromIPAddress(System.Net.IPAddress.Parse("192.0.2.25")), 25),
        new Endpoint(NetAddress.FromIPAddress(System.Net.IPAddress.Parse("192.0.2.1")), 40000),
        1000, 2000, TcpFlags.Ack | TcpFlags.Psh, Encoding.ASCII.GetBytes("220 mx.example.org ESMTP\r\n")).ToRawIpFrame();

    private static byte[] PcapngWithTimestamp(uint high, uint low)
    {
        var file = TestCaptureFiles.Pcapng(LinkType.Raw, [new TestFrame(T0, GreetingFrame())]);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(FirstEpbTimestampHigh), high);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(FirstEpbTimestampHigh + 4), low);
        return file;
    }

    [Fact]
    public void Pcapng_timestamp_past_year_9999_is_pinned_to_the_last_tick_and_the_replay_completes()
    {
        // 300,000,000,000 s after 1970 in microseconds (0x0429D069_189E0000): year ~11476.
        using var file = new TempFile(PcapngWithTimestamp(0x0429D069, 0x189E0000), ".pcapng");
        var (sink, read) = ReplayHarness.RunFiles(file.Path);
        Assert.Equal(1, read.Packets);
        var session = Assert.Single(sink.Sessions);
        Assert.Equal("9999-12-31T23:59:59.999999Z", session.Start);
        Assert.Equal("9999-12-31T23:59:59.999999Z", session.End);
    }

    [Fact]
    public void Pcapng_timestamp_in_range_is_kept_to_the_microsecond()
    {
        ulong micros = 1_714_564_800_123_456; // 2024-05-01T12:00:00.123456Z
        using var file = new TempFile(PcapngWithTimestamp((uint)(micros >> 32), (uint)micros), ".pcapng");
        var (sink, _) = ReplayHarness.RunFiles(file.Path);
        Assert.Equal("2024-05-01T12:00:00.123456Z", Assert.Single(sink.Sessions).Start);
    }

    [Fact]
    public void A_hostile_timestamp_past_libpcaps_stop_in_a_two_link_type_pcapng_is_pinned_too()
    {
        // libpcap gives up at the second link type and the sensor's own pcapng reader goes on: its
        // times come from the file as well, so they are pinned the same way. The last frame (interface
        // 0, microseconds) names a time near 2^64 microseconds.
        var file = TestCaptureFiles.PcapngTwoLinkTypes(LinkType.Raw, LinkType.Null,
        [
            (0, new TestFrame(T0, GreetingFrame())),
            (1, new TestFrame(T0 + TimeSpan.TicksPerSecond, [2, 0, 0, 0, .. ServerSegment(1026, "250 ok\r\n")])),
            (0, new TestFrame(T0 + 2 * TimeSpan.TicksPerSecond, ServerSegment(1034, "250 again\r\n"))),
        ]);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(LastEnhancedPacketBlock(file) + 12), 0xFFFFFFFF);
        using var temp = new TempFile(file, ".pcapng");

        var (sink, read) = ReplayHarness.RunFiles(temp.Path);

        Assert.Equal(3, read.Packets);
        Assert.Equal("9999-12-31T23:59:59.999999Z", sink.Sessions.Max(s => s.End));
    }

    private static byte[] ServerSegment(uint sequence, string text) => new SegmentSpec(T0,
        new Endpoint(NetAddress.FromIPAddress(System.Net.IPAddress.Parse("192.0.2.25")), 25),
        new Endpoint(NetAddress.FromIPAddress(System.Net.IPAddress.Parse("192.0.2.1")), 40000),
        sequence, 2000, TcpFlags.Ack | TcpFlags.Psh, Encoding.ASCII.GetBytes(text)).ToRawIpFrame();

    private static int LastEnhancedPacketBlock(byte[] pcapng)
    {
        int last = -1;
        for (int at = 0; at + 8 <= pcapng.Length; at += (int)BinaryPrimitives.ReadUInt32LittleEndian(pcapng.AsSpan(at + 4)))
            if (BinaryPrimitives.ReadUInt32LittleEndian(pcapng.AsSpan(at)) == 6)
                last = at;
        return last;
    }

    [Theory]
    [InlineData(0L, 0L, false, 621355968000000000L)]                   // the Unix epoch
    [InlineData(1L, 500_000L, false, 621355968015000000L)]             // 1.5 s, microseconds
    [InlineData(1L, 500_000_001L, true, 621355968015000000L)]          // 1.5 s, nanoseconds (the last 100 ns dropped)
    [InlineData(253402300799L, 999_999L, false, 3155378975999999990L)] // the last microsecond of year 9999
    [InlineData(253402300800L, 0L, false, 3155378975999999999L)]       // one second past: DateTime.MaxValue
    [InlineData(long.MaxValue, long.MaxValue, true, 3155378975999999999L)]
    [InlineData(-62135596801L, 0L, false, 0L)]                          // before year 1: DateTime.MinValue
    [InlineData(long.MinValue, -1L, false, 0L)]
    [InlineData(0L, long.MaxValue, false, 621355968009999990L)]         // a fraction past a second is held below it
    public void TicksOf_pins_pcap_timestamps_to_DateTime_range(long seconds, long fraction, bool nanosecond, long expected) =>
        Assert.Equal(expected, PcapFrameReader.TicksOf(seconds, fraction, nanosecond));
}
