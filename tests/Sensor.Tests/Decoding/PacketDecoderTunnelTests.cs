using System.Text;
using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;
using static Sensor.Tests.Decoding.Tunnels;

namespace Sensor.Tests.Decoding;

/// <summary>Every encapsulation down to the inner TCP segment: the inner addresses, ports and payload, never the tunnel's.</summary>
public class PacketDecoderTunnelTests
{
    private static readonly byte[] Auth = Encoding.ASCII.GetBytes("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");

    private static byte[] InnerV4() => Frames.Ipv4(Frames.Tcp(sport: 40001, dport: 587, psh: true, payload: Auth));
    private static byte[] InnerV6() => Frames.Ipv6(Frames.Tcp(sport: 40002, dport: 143, psh: true, payload: Auth));
    private static byte[] InnerEthernet() => Ethernet(0x0800, InnerV4());
    private static byte[] OuterEthernet(byte protocol, byte[] payload) => Ethernet(0x0800, Ipv4(protocol, payload));
    private static byte[] OverUdp(ushort port, byte[] payload) => OuterEthernet(17, Udp(49152, port, payload));

    private static TcpSegmentCopy AssertInnerV4(byte[] frame, int linkType = LinkType.Ethernet)
    {
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(linkType, 7, frame, out var seg));
        Assert.Equal("192.0.2.10:40001", seg.Source.ToString());
        Assert.Equal("198.51.100.25:587", seg.Destination.ToString());
        Assert.Equal(Auth, seg.Payload.ToArray());
        return new TcpSegmentCopy(seg.Network);
    }

    private static void AssertInnerV6(byte[] frame)
    {
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 7, frame, out var seg));
        Assert.Equal("[2001:db8::10]:40002", seg.Source.ToString());
        Assert.Equal("[2001:db8:1::25]:143", seg.Destination.ToString());
        Assert.Equal(Auth, seg.Payload.ToArray());
    }

    private readonly record struct TcpSegmentCopy(ulong Network);

    private static (DecodeResult, string) Unknown(byte[] frame)
    {
        var result = PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, frame, out _, out var kind);
        return (result, kind.ToString());
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    public void Gre_WithAndWithoutChecksumKeySequence(bool checksum, bool key, bool sequence)
    {
        var gre = Gre(0x0800, InnerV4(), checksum, key ? 0xDEADBEEF : null, sequence ? 77u : null);
        AssertInnerV4(OuterEthernet(47, gre));
        AssertInnerV6(OuterEthernet(47, Gre(0x86DD, InnerV6(), checksum, key ? 5u : null, sequence ? 1u : null)));
    }

    [Fact]
    public void Gre_TransparentEthernetBridging_CarriesAnEthernetFrame() =>
        AssertInnerV4(OuterEthernet(47, Gre(0x6558, InnerEthernet(), key: 100)));

    [Fact]
    public void Gre_OverIpv6() => AssertInnerV4(Ethernet(0x86DD, Ipv6(47, Gre(0x0800, InnerV4()))));

    [Fact]
    public void Gre_Version1_IsCountedByName() =>
        Assert.Equal((DecodeResult.UnknownEncapsulation, "gre version 1"), Unknown(OuterEthernet(47, Gre(0x880B, InnerV4(), key: 1, version: 1))));

    [Fact]
    public void Gre_UnknownProtocol_IsCountedByName() =>
        Assert.Equal((DecodeResult.UnknownEncapsulation, "gre protocol 0x894f"), Unknown(OuterEthernet(47, Gre(0x894F, InnerV4()))));

    [Fact]
    public void Gre_KeepaliveReply_IsNotMail() =>
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, OuterEthernet(47, Gre(0, [])), out _));

    [Fact]
    public void Gre_Rfc1701RoutingBit_IsMalformed()
    {
        var gre = Gre(0x0800, InnerV4());
        gre[0] |= 0x40;
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, OuterEthernet(47, gre), out _));
    }

    [Fact]
    public void ErspanTypeI_HasNoHeaderOfItsOwn() =>
        AssertInnerV4(OuterEthernet(47, Gre(0x88BE, InnerEthernet())));

    [Fact]
    public void ErspanTypeII() =>
        AssertInnerV4(OuterEthernet(47, Gre(0x88BE, Erspan2(300, InnerEthernet()), sequence: 9)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ErspanTypeIII_WithAndWithoutPlatformSubHeader(bool platform) =>
        AssertInnerV4(OuterEthernet(47, Gre(0x22EB, Erspan3(300, InnerEthernet(), platform), sequence: 9)));

    [Fact]
    public void ErspanTypeIII_FrameTypeIp_CarriesIpWithoutEthernet() =>
        AssertInnerV4(OuterEthernet(47, Gre(0x22EB, Erspan3(1, InnerV4(), platform: false, frameType: 2), sequence: 1)));

    [Fact]
    public void ErspanTypeIII_OtherFrameType_IsCountedByName() =>
        Assert.Equal((DecodeResult.UnknownEncapsulation, "erspan frame type 5"),
            Unknown(OuterEthernet(47, Gre(0x22EB, Erspan3(1, InnerV4(), platform: false, frameType: 5), sequence: 1))));

    [Fact]
    public void Vxlan_KeysTheSessionByItsVni()
    {
        var a = AssertInnerV4(OverUdp(4789, Vxlan(1001, InnerEthernet())));
        var b = AssertInnerV4(OverUdp(4789, Vxlan(1002, InnerEthernet())));
        Assert.NotEqual(VirtualNetwork.None, a.Network);
        Assert.NotEqual(a.Network, b.Network);
    }

    [Fact]
    public void L2tp_FromTheTunnelPort_IsFoundByTheSourcePortToo() =>
        AssertInnerV4(OuterEthernet(17, Udp(1701, 40000, L2tp(0x0021, InnerV4()))));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(40)]
    public void Geneve_WithOptions_CarriesEthernet(int optionWords) =>
        AssertInnerV4(OverUdp(6081, Geneve(7, 0x6558, InnerEthernet(), optionWords)));

    [Fact]
    public void Geneve_CarriesIpDirectly() => AssertInnerV4(OverUdp(6081, Geneve(7, 0x0800, InnerV4(), 2)));

    [Fact]
    public void Geneve_Version1_IsCountedByName()
    {
        var geneve = Geneve(7, 0x0800, InnerV4());
        geneve[0] |= 0x40;
        Assert.Equal((DecodeResult.UnknownEncapsulation, "geneve version 1"), Unknown(OverUdp(6081, geneve)));
    }

    [Fact]
    public void GtpU_Plain() => AssertInnerV4(OverUdp(2152, GtpU(0x1234, InnerV4())));

    [Fact]
    public void GtpU_WithSequenceNumber() => AssertInnerV4(OverUdp(2152, GtpU(0x1234, InnerV4(), sequence: true)));

    [Fact]
    public void GtpU_WithExtensionHeaders()
    {
        // PDU session container (0x85, one word) then a long PDCP-like one (0xC0, three words), as 5G N3 sends.
        AssertInnerV4(OverUdp(2152, GtpU(0x1234, InnerV4(), extensions: [(0x85, 1), (0xC0, 3)])));
    }

    [Fact]
    public void GtpU_EchoRequest_IsNotMail() =>
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, OverUdp(2152, GtpU(0, [], messageType: 1)), out _));

    [Fact]
    public void GtpU_ZeroLengthExtension_IsMalformed()
    {
        var gtp = GtpU(1, InnerV4(), extensions: [(0x85, 1)]);
        gtp[12] = 0;
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, OverUdp(2152, gtp), out _));
    }

    [Fact]
    public void GtpVersion2_IsCountedByName()
    {
        var gtp = GtpU(1, InnerV4());
        gtp[0] = 0x48;
        Assert.Equal((DecodeResult.UnknownEncapsulation, "gtp-u version 2"), Unknown(OverUdp(2152, gtp)));
    }

    [Fact]
    public void Mpls_OneLabel() => AssertInnerV4(Ethernet(0x8847, Mpls(InnerV4(), 16)));

    [Fact]
    public void Mpls_SeveralLabels_InnerFoundByVersionNibble()
    {
        AssertInnerV4(Ethernet(0x8847, Mpls(InnerV4(), 1000, 2000, 3000)));
        AssertInnerV6(Ethernet(0x8847, Mpls(InnerV6(), 1000, 2000)));
    }

    [Fact]
    public void Mpls_ControlWordAndEthernetPseudowire() =>
        AssertInnerV4(Ethernet(0x8847, Mpls([0, 0, 0, 5, .. InnerEthernet()], 100, 200)));

    [Fact]
    public void Mpls_AssociatedChannelLabel_IsNotMail() =>
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, Ethernet(0x8847, Mpls([0x10, 0, 0, 0x21, 0x45], 100, 13)), out _));

    [Fact]
    public void Mpls_StackWithoutBottom_IsBounded()
    {
        var labels = Enumerable.Repeat(Be32(100 << 12 | 64), 40).SelectMany(b => b).ToArray();
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, Ethernet(0x8847, [.. labels, .. InnerV4()]), out _));
    }

    [Fact]
    public void Mpls_InIp() => AssertInnerV4(OuterEthernet(137, Mpls(InnerV4(), 16)));

    [Fact]
    public void Pppoe_Ipv4AndIpv6()
    {
        AssertInnerV4(Ethernet(0x8864, Pppoe(0x0021, InnerV4())));
        AssertInnerV6(Ethernet(0x8864, Pppoe(0x0057, InnerV6())));
    }

    [Fact]
    public void Pppoe_CompressedProtocolField() =>
        AssertInnerV4(Ethernet(0x8864, [0x11, 0, 0, 1, .. Be16((ushort)(InnerV4().Length + 1)), 0x21, .. InnerV4()]));

    [Theory]
    [InlineData(0xC021)] // LCP echo request/reply: PPP keepalives
    [InlineData(0x8021)] // IPCP
    [InlineData(0x8057)] // IPV6CP
    [InlineData(0xC023)] // PAP
    public void Pppoe_ControlProtocols_AreNotMail(ushort protocol) =>
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0,
            Ethernet(0x8864, Pppoe(protocol, [0x09, 0x01, 0x00, 0x08, 0x12, 0x34, 0x56, 0x78])), out _));

    [Fact]
    public void PppoeDiscovery_IsNotMail() =>
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, Ethernet(0x8863, [0x11, 0x09, 0, 0, 0, 0]), out _));

    [Fact]
    public void Ppp_UnknownNetworkProtocol_IsCountedByName() =>
        Assert.Equal((DecodeResult.UnknownEncapsulation, "ppp protocol 0x002b"), Unknown(Ethernet(0x8864, Pppoe(0x002B, [1, 2, 3]))));

    [Fact]
    public void Pppoe_LengthKeepsEthernetPaddingOut()
    {
        byte[] frame = [.. Ethernet(0x8864, Pppoe(0x0021, InnerV4())), 0, 0, 0, 0];
        AssertInnerV4(frame);
    }

    [Theory]
    [InlineData(true, false, -1)]
    [InlineData(false, false, -1)]
    [InlineData(true, true, -1)]
    [InlineData(true, true, 3)]
    public void L2tpV2_DataMessage_Variants(bool length, bool sequence, int offsetPad) =>
        AssertInnerV4(OverUdp(1701, L2tp(0x0021, InnerV4(), length, sequence, offsetPad)));

    [Fact]
    public void L2tp_ControlMessage_IsNotMail()
    {
        var l2tp = L2tp(0x0021, InnerV4());
        l2tp[0] |= 0x80;
        Assert.Equal(DecodeResult.NotTcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, OverUdp(1701, l2tp), out _));
    }

    [Fact]
    public void L2tpV3OverUdp_IsCountedByName() =>
        Assert.Equal((DecodeResult.UnknownEncapsulation, "l2tp version 3"), Unknown(OverUdp(1701, [0, 3, 0, 0, 0, 0, 0, 0])));

    [Fact]
    public void IpInIp_6in4_4in6()
    {
        AssertInnerV4(OuterEthernet(4, InnerV4()));
        AssertInnerV6(OuterEthernet(41, InnerV6()));
        AssertInnerV4(Ethernet(0x86DD, Ipv6(4, InnerV4())));
    }

    [Fact]
    public void EtherIp() => AssertInnerV4(OuterEthernet(97, [0x30, 0, .. InnerEthernet()]));

    [Fact]
    public void Esp_IsCountedByName() =>
        Assert.Equal((DecodeResult.UnknownEncapsulation, "ip protocol 50"), Unknown(OuterEthernet(50, [0, 0, 0, 1, 0, 0, 0, 1])));

    [Fact]
    public void UnknownEtherType_IsCountedByName_ArpIsNot()
    {
        Assert.Equal((DecodeResult.UnknownEncapsulation, "ethertype 0x88e5"), Unknown(Ethernet(0x88E5, new byte[40])));
        Assert.Equal(DecodeResult.NotTcp, Unknown(Ethernet(0x0806, new byte[28])).Item1);
    }

    [Fact]
    public void NestedMix_VxlanInGreInMplsOverPppoeInAVlan()
    {
        var vxlan = Ipv4(17, Udp(5000, 4789, Vxlan(42, InnerEthernet())));
        var gre = Ipv4(47, Gre(0x0800, vxlan, key: 3));
        var frame = Frames.EthernetTagged(Mpls(gre, 500, 600), 0x8864, 0x8100);
        frame = [.. frame[..18], .. Pppoe(0x0281, frame[18..])];
        AssertInnerV4(frame);
    }

    [Fact]
    public void NestingBomb_IsBoundedAndMalformed()
    {
        var packet = InnerV4();
        for (int i = 0; i < 200; i++)
            packet = Ipv4(4, packet);
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, Ethernet(0x0800, packet), out _));
        var shallow = InnerV4();
        for (int i = 0; i < DecodeContext.MaxDepth; i++)
            shallow = Ipv4(4, shallow);
        AssertInnerV4(Ethernet(0x0800, shallow));
    }

    /// <summary>Every prefix of every tunnel frame: a counted result, never an exception, never a segment with the wrong bytes.</summary>
    [Fact]
    public void TruncatedAtEveryByte_IsCountedNotThrown()
    {
        byte[][] frames =
        [
            OuterEthernet(47, Gre(0x22EB, Erspan3(1, InnerEthernet(), platform: true), checksum: true, key: 1, sequence: 1)),
            OverUdp(2152, GtpU(1, InnerV4(), extensions: [(0x85, 1), (0xC0, 3)])),
            OverUdp(6081, Geneve(7, 0x6558, InnerEthernet(), 5)),
            OverUdp(1701, L2tp(0x0021, InnerV4(), sequence: true, offsetPad: 2)),
            Ethernet(0x8864, Pppoe(0x0281, Mpls([0, 0, 0, 0, .. InnerEthernet()], 1, 2))),
        ];
        var decoder = new PacketDecoder();
        for (int i = 0; i < frames.Length; i++)
            for (int cut = 0; cut < frames[i].Length; cut++)
            {
                var result = decoder.Decode(LinkType.Ethernet, 0, frames[i].AsSpan(0, cut), out var seg);
                Assert.True(result != DecodeResult.UnknownEncapsulation, $"frame {i} cut at {cut}: {string.Join(", ", decoder.Stats.UnknownByName())}");
                if (result == DecodeResult.Tcp)
                    Assert.Equal(Auth.AsSpan(0, seg.Payload.Length).ToArray(), seg.Payload.ToArray());
            }
        Assert.True(decoder.Stats.Truncated > 0);
        Assert.Equal(0, decoder.Stats.Malformed);
    }

    [Fact]
    public void Inside_ACompleteOuterPacket_AShortTunnelHeaderIsMalformed()
    {
        // The outer IP length says the packet is whole: the sender, not the capture, cut the GRE header.
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, OuterEthernet(47, [0x20, 0, 0x08]), out _));
    }

    [Fact]
    public void Stats_CountUnknownKindsByName()
    {
        var decoder = new PacketDecoder();
        decoder.Decode(LinkType.Ethernet, 0, OuterEthernet(50, new byte[16]), out _);
        decoder.Decode(LinkType.Ethernet, 0, OuterEthernet(50, new byte[16]), out _);
        decoder.Decode(LinkType.Ethernet, 0, OuterEthernet(47, Gre(0x880B, [], key: 1, version: 1)), out _);
        decoder.Decode(LinkType.Ethernet, 0, OverUdp(4789, Vxlan(1, InnerEthernet())), out _);
        Assert.Equal(3, decoder.Stats.UnknownEncapsulation);
        Assert.Equal(1, decoder.Stats.Tcp);
        Assert.Equal(4, decoder.Stats.Total);
        Assert.Equal([KeyValuePair.Create("ip protocol 50", 2L), KeyValuePair.Create("gre version 1", 1L)], decoder.Stats.UnknownByName());
    }

    [Fact]
    public void VlanIds_AreNotPartOfTheKey_TaggedAndUntaggedCopiesAreOneFlow()
    {
        static ulong NetworkOf(ushort vlan)
        {
            byte[] frame = [.. new byte[12], 0x81, 0x00, .. Be16(vlan), 0x08, 0x00, .. InnerV4()];
            Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Ethernet, 0, frame, out var seg));
            return seg.Network;
        }
        Assert.Equal(VirtualNetwork.None, NetworkOf(0));
        Assert.Equal(VirtualNetwork.None, NetworkOf(0xE000)); // priority 7, VLAN 0
        Assert.Equal(VirtualNetwork.None, NetworkOf(10));
        Assert.Equal(VirtualNetwork.None, NetworkOf(20));
    }

    [Fact]
    public void FlowKey_SameTupleInTwoNetworks_AreTwoFlows_BothDirectionsOne()
    {
        var a = Sensor.Core.Decoding.Endpoint.Parse("10.0.0.1:40000");
        var b = Sensor.Core.Decoding.Endpoint.Parse("10.0.0.2:25");
        ulong one = VirtualNetwork.AddVxlan(VirtualNetwork.None, 1001), two = VirtualNetwork.AddVxlan(VirtualNetwork.None, 1002);
        Assert.Equal(FlowKey.From(a, b, one), FlowKey.From(b, a, one));
        Assert.NotEqual(FlowKey.From(a, b, one), FlowKey.From(a, b, two));
        Assert.NotEqual(FlowKey.From(a, b), FlowKey.From(a, b, one));
        // VXLAN inside Geneve and Geneve inside VXLAN are kept exactly: the order matters.
        ulong vg = VirtualNetwork.AddGeneve(VirtualNetwork.AddVxlan(0, 100), 200), gv = VirtualNetwork.AddVxlan(VirtualNetwork.AddGeneve(0, 200), 100);
        Assert.NotEqual(vg, gv);
        Assert.NotEqual(VirtualNetwork.AddGeneve(0, 5), VirtualNetwork.AddVxlan(0, 5));
    }
}
