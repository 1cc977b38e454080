using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Decoding;

public class TcpChecksumTests
{
    private static ChecksumResult Check(byte[] frame)
    {
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Raw, 1, frame, out var segment));
        return TcpChecksum.Verify(segment);
    }

    private static SegmentSpec Spec(string client, string server, string payload) =>
        new(1, Endpoint.Parse(client), Endpoint.Parse(server), 0x01020304, 0xA0B0C0D0, TcpFlags.Ack | TcpFlags.Psh, System.Text.Encoding.ASCII.GetBytes(payload));

    [Theory]
    [InlineData("192.0.2.10:40000", "198.51.100.25:25", "EHLO client.example\r\n")]
    [InlineData("192.0.2.10:40000", "198.51.100.25:25", "odd length\r\n!")]
    [InlineData("192.0.2.10:40000", "198.51.100.25:25", "")]
    [InlineData("[2001:db8::10]:40000", "[2001:db8::25]:587", "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n")]
    [InlineData("[2001:db8::10]:40000", "[2001:db8::25]:587", "x")]
    [InlineData("192.0.2.10:40000", "198.51.100.25:25", null)]
    [InlineData("[2001:db8::10]:40000", "[2001:db8::25]:587", null)]
    public void ChecksumAsSent_IsGood_AndOneBitOff_IsBad(string client, string server, string? payload)
    {
        // null: a full-size segment (1447 bytes, odd) of every byte value, through the vectorised sum
        payload ??= new string(Enumerable.Range(0, 1447).Select(i => (char)(i * 7 % 128)).ToArray());
        var spec = Spec(client, server, payload);
        Assert.Equal(ChecksumResult.Good, Check(spec.ToChecksummedFrame()));
        Assert.Equal(ChecksumResult.Bad, Check(spec.ToChecksummedFrame(good: false)));
        var flipped = spec.ToChecksummedFrame();
        flipped[^1] ^= 0x01;
        Assert.Equal(ChecksumResult.Bad, Check(flipped));
    }

    [Fact]
    public void AddressesArePartOfIt_ThePseudoHeader()
    {
        var frame = Spec("192.0.2.10:40000", "198.51.100.25:25", "220 mail\r\n").ToChecksummedFrame();
        frame[15] ^= 0x01; // the source address's last byte (the IPv4 header's own checksum is not read)
        Assert.Equal(ChecksumResult.Bad, Check(frame));
    }

    [Fact]
    public void SegmentCutByTheSnapLength_CannotBeChecked()
    {
        var frame = Spec("192.0.2.10:40000", "198.51.100.25:25", "220 a longer greeting line\r\n").ToChecksummedFrame();
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Raw, 1, frame.AsSpan(0, frame.Length - 5), out var segment));
        Assert.Equal(ChecksumResult.Unknown, TcpChecksum.Verify(segment));
    }

    [Theory]
    [InlineData("imap-rst-in-window.pcap", ChecksumResult.Good)]   // rewritten as a span port sees it
    [InlineData("imap-urgent-login.pcap", ChecksumResult.Bad)]     // tcpdump on lo: filled in after the capture
    public void RealCaptures_EverySegment(string file, ChecksumResult expected)
    {
        var results = new List<ChecksumResult>();
        new CaptureReader([Path.Combine(Manifest.CapturesDirectory, file)]).Read(new Collector(results));
        Assert.True(results.Count > 10);
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    private sealed class Collector(List<ChecksumResult> results) : IPacketHandler
    {
        public void OnPacket(in RawPacket packet)
        {
            if (PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out var segment) == DecodeResult.Tcp)
                results.Add(TcpChecksum.Verify(segment));
        }
    }
}
