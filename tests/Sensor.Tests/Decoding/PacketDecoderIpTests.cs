using System.Buffers.Binary;
using System.Text;
using Sensor.Core.Decoding;
using static Sensor.Tests.Decoding.Frames;

namespace Sensor.Tests.Decoding;

public class PacketDecoderIpTests
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("a0001 LOGIN user pass\r\n");

    private static DecodeResult Decode(byte[] ip, out TcpSegment seg) =>
        PacketDecoder.DecodeFrame(LinkType.Raw, 0, ip, out seg);

    private static byte[] Options8() => new byte[8];              // length field 0: 8 octets
    private static byte[] Options16() { var h = new byte[16]; h[1] = 1; return h; }
    private static byte[] Fragment(ushort offsetAndFlags) { var h = new byte[8]; BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), offsetAndFlags); return h; }

    [Fact]
    public void Ipv6_HopByHopRoutingDestinationOptions_AreSkipped()
    {
        var ip = Frames.WithIpv6Extensions(Ipv6(Tcp(payload: Hello)), (0, Options8()), (43, Options16()), (60, Options8()));
        Assert.Equal(DecodeResult.Tcp, Decode(ip, out var seg));
        Assert.Equal(Hello, seg.Payload.ToArray());
        Assert.Equal((ushort)25, seg.Destination.Port);
    }

    [Fact]
    public void Ipv6_AtomicFragmentHeader_IsDecoded()
    {
        var ip = Frames.WithIpv6Extensions(Ipv6(Tcp(payload: Hello)), (44, Fragment(0)));
        Assert.Equal(DecodeResult.Tcp, Decode(ip, out var seg));
        Assert.Equal(Hello, seg.Payload.ToArray());
    }

    [Theory]
    [InlineData((ushort)0x0001)]   // first fragment: M set
    [InlineData((ushort)0x0010)]   // later fragment: offset 2
    public void Ipv6_Fragments_AreHandedOnWholeForReassembly(ushort offsetAndFlags)
    {
        var ip = Frames.WithIpv6Extensions(Ipv6(Tcp(payload: Hello)), (44, Fragment(offsetAndFlags)));
        Assert.Equal(DecodeResult.Fragment, Decode([.. ip, 0, 0], out var seg));   // two bytes past Payload Length
        Assert.Equal(ip, seg.Payload.ToArray());
    }

    [Fact]
    public void Ipv6_NoNextHeader_IsNotTcp()
    {
        var ip = Ipv6(Tcp());
        ip[6] = 59;
        Assert.Equal(DecodeResult.NotTcp, Decode(ip, out _));
    }

    [Fact]
    public void Ipv6_ExtensionHeaderPastCapture_IsTruncated()
    {
        var ip = Frames.WithIpv6Extensions(Ipv6(Tcp(payload: Hello)), (0, Options16()));
        Assert.Equal(DecodeResult.Truncated, Decode(ip[..50], out _));
    }

    [Theory]
    [InlineData((ushort)0x2000)]   // first fragment: MF
    [InlineData((ushort)0x0003)]   // later fragment
    public void Ipv4_Fragments_AreHandedOnWholeForReassembly(ushort flagsAndOffset)
    {
        var ip = Ipv4(Tcp(payload: Hello));
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), flagsAndOffset);
        Assert.Equal(DecodeResult.Fragment, Decode([.. ip, 0, 0, 0, 0], out var seg));   // Ethernet padding past Total Length
        Assert.Equal(ip, seg.Payload.ToArray());
    }

    [Fact]
    public void Ipv4_DontFragmentBit_IsNotAFragment()
    {
        var ip = Ipv4(Tcp(payload: Hello));
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), 0x4000);
        Assert.Equal(DecodeResult.Tcp, Decode(ip, out _));
    }

    [Fact]
    public void Ipv4_Options_AreSkippedByHeaderLength()
    {
        var plain = Ipv4(Tcp(payload: Hello));
        byte[] ip = [.. plain[..20], 1, 1, 1, 0, .. plain[20..]];   // NOP NOP NOP EOL
        ip[0] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        Assert.Equal(DecodeResult.Tcp, Decode(ip, out var seg));
        Assert.Equal(Hello, seg.Payload.ToArray());
    }

    [Fact]
    public void Ipv4_Udp_IsNotTcp()
    {
        var ip = Ipv4(Tcp());
        ip[9] = 17;
        Assert.Equal(DecodeResult.NotTcp, Decode(ip, out _));
    }

    [Fact]
    public void Ipv4_PayloadCutBySnapLength_IsClippedToWhatWasCaptured()
    {
        var ip = Ipv4(Tcp(payload: Hello));
        Assert.Equal(DecodeResult.Tcp, Decode(ip[..(40 + 5)], out var seg));
        Assert.Equal(Hello[..5], seg.Payload.ToArray());
    }

    [Fact]
    public void Ipv4_TotalLengthZero_TrustsCapture()
    {
        var ip = Ipv4(Tcp(payload: Hello));
        ip[2] = ip[3] = 0;
        Assert.Equal(DecodeResult.Tcp, Decode(ip, out var seg));
        Assert.Equal(Hello, seg.Payload.ToArray());
    }

    [Theory]
    [InlineData(10, DecodeResult.Truncated)]    // IP header cut
    [InlineData(30, DecodeResult.Truncated)]    // TCP header cut
    public void Ipv4_CutHeaders_AreTruncated(int length, DecodeResult expected) =>
        Assert.Equal(expected, Decode(Ipv4(Tcp(payload: Hello))[..length], out _));

    [Fact]
    public void Ipv4_HeaderLengthBelowFive_IsMalformed()
    {
        var ip = Ipv4(Tcp());
        ip[0] = 0x44;
        Assert.Equal(DecodeResult.Malformed, Decode(ip, out _));
    }

    [Fact]
    public void Ipv4_TotalLengthShorterThanTcpHeader_IsMalformed()
    {
        var ip = Ipv4(Tcp());
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), 30);
        Assert.Equal(DecodeResult.Malformed, Decode(ip, out _));
    }

    [Fact]
    public void Tcp_DataOffsetBelowFive_IsMalformed()
    {
        var ip = Ipv4(Tcp());
        ip[20 + 12] = 0x40;
        Assert.Equal(DecodeResult.Malformed, Decode(ip, out _));
    }

    [Fact]
    public void GarbageFrames_NeverThrow_OnAnyLinkType()
    {
        var random = new Random(7);
        int[] links = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9999];
        var valid = Ethernet(Tcp(payload: Hello));
        for (int i = 0; i < 20000; i++)
        {
            var frame = new byte[random.Next(0, 120)];
            random.NextBytes(frame);
            if (i % 2 == 0 && frame.Length > 20)
                valid.AsSpan(0, Math.Min(frame.Length, valid.Length) / 2).CopyTo(frame);   // plausible prefix, hostile rest
            foreach (var link in links)
                PacketDecoder.DecodeFrame(link, 0, frame, out _);
        }
    }

    [Fact]
    public void Stats_CountEachResult()
    {
        var decoder = new PacketDecoder();
        decoder.Decode(LinkType.Raw, 0, Ipv4(Tcp()), out _);
        decoder.Decode(LinkType.Raw, 0, Ipv4(Tcp())[..10], out _);
        decoder.Decode(4242, 0, new byte[10], out _);
        Assert.Equal(1, decoder.Stats.Tcp);
        Assert.Equal(1, decoder.Stats.Truncated);
        Assert.Equal(1, decoder.Stats.UnsupportedLink);
        Assert.Equal(3, decoder.Stats.Total);
    }
}

public class PacketDecoderAllocationTests
{
    [Fact]
    public void Decode_DoesNotAllocate()
    {
        var v4 = Frames.Ethernet(Frames.Tcp(payload: new byte[100]));
        var v6 = Frames.WithIpv6Extensions(Frames.Ipv6(Frames.Tcp(payload: new byte[10])), (0, new byte[8]));
        var decoder = new PacketDecoder();
        decoder.Decode(LinkType.Ethernet, 0, v4, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            decoder.Decode(LinkType.Ethernet, i, v4, out _);
            decoder.Decode(LinkType.Raw, i, v6, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2001, decoder.Stats.Tcp);
    }
}
