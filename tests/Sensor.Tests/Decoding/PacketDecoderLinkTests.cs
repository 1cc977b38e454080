using System.Text;
using PacketDotNet;
using Sensor.Core.Decoding;
using static Sensor.Tests.Decoding.Frames;

namespace Sensor.Tests.Decoding;

public class PacketDecoderLinkTests
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("EHLO client.example\r\n");

    /// <summary>The decoder must agree with PacketDotNet's own parse of the same frame.</summary>
    internal static void AssertAgrees(int linkType, byte[] frame, LinkLayers pdnLink)
    {
        var result = PacketDecoder.DecodeFrame(linkType, 42, frame, out var seg);
        Assert.Equal(DecodeResult.Tcp, result);
        var tcp = Packet.ParsePacket(pdnLink, frame).Extract<TcpPacket>();
        var ip = (IPPacket)tcp.ParentPacket;
        Assert.Equal(42, seg.TimestampTicks);
        Assert.Equal(ip.SourceAddress, seg.Source.Address.ToIPAddress());
        Assert.Equal(ip.DestinationAddress, seg.Destination.Address.ToIPAddress());
        Assert.Equal(tcp.SourcePort, seg.Source.Port);
        Assert.Equal(tcp.DestinationPort, seg.Destination.Port);
        Assert.Equal(tcp.SequenceNumber, seg.Sequence);
        Assert.Equal(tcp.AcknowledgmentNumber, seg.Acknowledgment);
        Assert.Equal(tcp.Flags & 0x3F, (int)seg.Flags);
        Assert.Equal(tcp.PayloadData ?? [], seg.Payload.ToArray());
    }

    [Fact]
    public void Ethernet_Ipv4_AgreesWithPacketDotNet() =>
        AssertAgrees(LinkType.Ethernet, Ethernet(Tcp(psh: true, payload: Hello)), LinkLayers.Ethernet);

    [Fact]
    public void Ethernet_Ipv6_AgreesWithPacketDotNet() =>
        AssertAgrees(LinkType.Ethernet, Ethernet(Tcp(sport: 51000, dport: 143, seq: uint.MaxValue, payload: Hello), v6: true), LinkLayers.Ethernet);

    [Fact]
    public void Ethernet_SynWithoutPayload_HasEmptyPayloadAndSynFlag()
    {
        var frame = Ethernet(Tcp(syn: true, ackFlag: false));
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, frame, out var seg));
        Assert.Equal(TcpFlags.Syn, seg.Flags);
        Assert.True(seg.Payload.IsEmpty);
    }

    [Fact]
    public void Ethernet_MinimumFramePadding_IsClippedByIpTotalLength()
    {
        byte[] frame = [.. Ethernet(Tcp(payload: "A"u8.ToArray())), .. new byte[5]];
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, frame, out var seg));
        Assert.Equal("A"u8.ToArray(), seg.Payload.ToArray());
    }

    [Theory]
    [InlineData(new ushort[] { 0x8100 })]
    [InlineData(new ushort[] { 0x88A8, 0x8100 })]
    [InlineData(new ushort[] { 0x9100, 0x8100, 0x8100 })]
    public void Ethernet_VlanTags_AreSkipped(ushort[] tags)
    {
        var frame = EthernetTagged(Ipv4(Tcp(payload: Hello)), 0x0800, tags);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, frame, out var seg));
        Assert.Equal(Hello, seg.Payload.ToArray());
        Assert.Equal((ushort)25, seg.Destination.Port);
    }

    [Fact]
    public void Ethernet_NineVlanTags_IsMalformed()
    {
        var frame = EthernetTagged(Ipv4(Tcp()), 0x0800, Enumerable.Repeat((ushort)0x8100, 9).ToArray());
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, frame, out _));
    }

    [Fact]
    public void Ethernet_Arp_IsNotTcp()
    {
        var frame = EthernetTagged(new byte[28], 0x0806);
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, frame, out _));
    }

    [Fact]
    public void LinuxSll_Ipv4_AgreesWithPacketDotNet() =>
        AssertAgrees(LinkType.LinuxSll, Sll(Ipv4(Tcp(payload: Hello)), 0x0800), LinkLayers.LinuxSll);

    [Fact]
    public void LinuxSll2_Ipv4AndIpv6_Decode()
    {
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.LinuxSll2, 0, Sll2(Ipv4(Tcp(payload: Hello)), 0x0800), out var v4));
        Assert.Equal(Hello, v4.Payload.ToArray());
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.LinuxSll2, 0, Sll2(Ipv6(Tcp(payload: Hello)), 0x86DD), out var v6));
        Assert.True(v6.Source.Address.IsV6);
        Assert.Equal(Hello, v6.Payload.ToArray());
    }

    [Theory]
    [InlineData(LinkType.Raw)]
    [InlineData(LinkType.RawBsd12)]
    [InlineData(LinkType.RawBsd14)]
    public void RawIp_DetectsVersionFromNibble(int linkType)
    {
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(linkType, 0, Ipv4(Tcp(payload: Hello)), out var v4));
        Assert.False(v4.Source.Address.IsV6);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(linkType, 0, Ipv6(Tcp(payload: Hello)), out var v6));
        Assert.True(v6.Source.Address.IsV6);
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.DecodeFrame(linkType, 0, [0x50, 0, 0, 0], out _));
    }

    [Fact]
    public void RawIp_AgreesWithPacketDotNet() =>
        AssertAgrees(LinkType.Raw, Ipv4(Tcp(seq: 0xFFFFFFF0, payload: Hello)), LinkLayers.Raw);

    [Fact]
    public void LinkTypeIpv4AndIpv6_Decode()
    {
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Ipv4, 0, Ipv4(Tcp(payload: Hello)), out _));
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Ipv6, 0, Ipv6(Tcp(payload: Hello)), out _));
    }

    [Theory]
    [InlineData(LinkType.Null, 2u, false)]
    [InlineData(LinkType.Null, 2u, true)]
    [InlineData(LinkType.Null, 30u, false)]
    [InlineData(LinkType.Null, 24u, true)]
    [InlineData(LinkType.Loop, 2u, true)]
    [InlineData(LinkType.Loop, 28u, true)]
    public void Loopback_FamilyInEitherByteOrder(int linkType, uint family, bool bigEndian)
    {
        var ip = family == 2 ? Ipv4(Tcp(payload: Hello)) : Ipv6(Tcp(payload: Hello));
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(linkType, 0, Loopback(ip, family, bigEndian), out var seg));
        Assert.Equal(family != 2, seg.Source.Address.IsV6);
        Assert.Equal(Hello, seg.Payload.ToArray());
    }

    [Fact]
    public void Loopback_UnknownFamily_IsNotTcp() =>
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Null, 0, Loopback(new byte[40], 7, false), out _));

    [Fact]
    public void UnknownLinkType_IsUnsupported() =>
        Assert.Equal(DecodeResult.UnsupportedLink, PacketDecoder.DecodeFrame(105, 0, new byte[64], out _));
}
