using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace Sensor.Tests.Decoding;

/// <summary>Builds test frames with PacketDotNet, the independent implementation the decoder is checked against.</summary>
internal static class Frames
{
    public static readonly IPAddress V4Client = IPAddress.Parse("192.0.2.10");
    public static readonly IPAddress V4Server = IPAddress.Parse("198.51.100.25");
    public static readonly IPAddress V6Client = IPAddress.Parse("2001:db8::10");
    public static readonly IPAddress V6Server = IPAddress.Parse("2001:db8:1::25");

    public static TcpPacket Tcp(ushort sport = 40000, ushort dport = 25, uint seq = 1000, uint ack = 2000,
        bool syn = false, bool ackFlag = true, bool psh = false, bool fin = false, byte[]? payload = null)
    {
        var tcp = new TcpPacket(sport, dport)
        {
            SequenceNumber = seq,
            AcknowledgmentNumber = ack,
            Synchronize = syn,
            Acknowledgment = ackFlag,
            Push = psh,
            Finished = fin,
            WindowSize = 64240,
        };
        if (payload is not null)
            tcp.PayloadData = payload;
        return tcp;
    }

    public static byte[] Ipv4(TcpPacket tcp, IPAddress? src = null, IPAddress? dst = null)
    {
        var ip = new IPv4Packet(src ?? V4Client, dst ?? V4Server) { PayloadPacket = tcp, TimeToLive = 64 };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    public static byte[] Ipv6(TcpPacket tcp, IPAddress? src = null, IPAddress? dst = null)
    {
        var ip = new IPv6Packet(src ?? V6Client, dst ?? V6Server) { PayloadPacket = tcp, HopLimit = 64 };
        ip.UpdateCalculatedValues();
        return ip.Bytes;
    }

    /// <summary>Client to server, or with <paramref name="fromServer"/> the other way.</summary>
    public static byte[] Ethernet(TcpPacket tcp, bool v6 = false, bool fromServer = false)
    {
        var (src, dst) = v6 ? (V6Client, V6Server) : (V4Client, V4Server);
        if (fromServer)
            (src, dst) = (dst, src);
        var eth = new EthernetPacket(PhysicalAddress.Parse("02-00-00-00-00-01"), PhysicalAddress.Parse("02-00-00-00-00-02"),
            v6 ? EthernetType.IPv6 : EthernetType.IPv4);
        eth.PayloadPacket = v6
            ? new IPv6Packet(src, dst) { PayloadPacket = tcp, HopLimit = 64 }
            : new IPv4Packet(src, dst) { PayloadPacket = tcp, TimeToLive = 64 };
        eth.UpdateCalculatedValues();
        return eth.Bytes;
    }

    /// <summary>Ethernet header with the given VLAN tag types stacked in front of <paramref name="ip"/>.</summary>
    public static byte[] EthernetTagged(byte[] ip, ushort etherType, params ushort[] tagTypes)
    {
        var frame = new List<byte>(new byte[12]);
        foreach (var tag in tagTypes)
        {
            frame.AddRange(Be16(tag));
            frame.AddRange(Be16(100)); // TCI: VLAN 100
        }
        frame.AddRange(Be16(etherType));
        frame.AddRange(ip);
        return frame.ToArray();
    }

    public static byte[] Sll(byte[] ip, ushort etherType)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), 1);   // ARPHRD_ETHER
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 6);   // address length
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), etherType);
        return [.. header, .. ip];
    }

    public static byte[] Sll2(byte[] ip, ushort etherType)
    {
        var header = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(header, etherType);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 2);   // interface index
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), 1);   // ARPHRD_ETHER
        header[11] = 6;
        return [.. header, .. ip];
    }

    public static byte[] Loopback(byte[] ip, uint family, bool bigEndian)
    {
        var header = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(header, family);
        else BinaryPrimitives.WriteUInt32LittleEndian(header, family);
        return [.. header, .. ip];
    }

    /// <summary>Inserts extension headers (type, body) after the fixed IPv6 header, chaining Next Header.</summary>
    public static byte[] WithIpv6Extensions(byte[] ipv6, params (byte type, byte[] header)[] extensions)
    {
        var fixedHeader = ipv6[..40];
        byte upper = fixedHeader[6];
        var chain = new List<byte>();
        for (int i = 0; i < extensions.Length; i++)
        {
            var h = (byte[])extensions[i].header.Clone();
            h[0] = i + 1 < extensions.Length ? extensions[i + 1].type : upper;
            chain.AddRange(h);
        }
        if (extensions.Length > 0)
            fixedHeader[6] = extensions[0].type;
        BinaryPrimitives.WriteUInt16BigEndian(fixedHeader.AsSpan(4), (ushort)(ipv6.Length - 40 + chain.Count));
        return [.. fixedHeader, .. chain, .. ipv6[40..]];
    }

    public static byte[] Be16(ushort value)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        return b;
    }
}
