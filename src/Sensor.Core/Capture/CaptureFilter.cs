namespace Sensor.Core.Capture;

/// <summary>
/// The live capture's default BPF filter: every TCP segment, and every packet of the tunnels the decoder
/// reads, so mail inside them is not dropped in the kernel. A bare "tcp" matches only TCP directly in
/// IPv4/IPv6 at the link layer's offset: nothing VLAN-tagged, in PPPoE, MPLS or any tunnel. On Ethernet
/// the PPPoE session and MPLS ethertypes are matched with "ether proto", not the "pppoes"/"mpls" keywords:
/// those (and "vlan") move the offsets for the rest of the expression, so "vlan or pppoes" would match
/// PPPoE only inside a VLAN, and the kernel refuses that program ("Kernel filter failed": libpcap then
/// filters in user space). "vlan" comes last for the same reason. Other link types have no ethertype
/// there (libpcap: "no VLAN support for Linux cooked v2"): the device that ends the tunnel is captured instead.
/// </summary>
public static class CaptureFilter
{
    /// <summary>GRE (ERSPAN too), VXLAN, Geneve, L2TP, GTP-U, IP in IP, 6in4/4in6, EtherIP, MPLS in IP.</summary>
    public const string Tunnels =
        "proto gre or udp port 4789 or udp port 6081 or udp port 1701 or udp port 2152"
        + " or ip proto 4 or ip proto 41 or ip6 proto 4 or ip6 proto 41 or ip proto 97 or ip proto 137";

    /// <summary>Described for the command line's help and start-up line.</summary>
    public const string Description = "tcp, tunnels (GRE, VXLAN, Geneve, L2TP, GTP-U, IP in IP) and, on Ethernet, PPPoE, MPLS and VLAN";

    public static string Default(int linkType) =>
        linkType == Decoding.LinkType.Ethernet
            ? $"tcp or {Tunnels} or ether proto 0x8864 or ether proto 0x8847 or ether proto 0x8848 or vlan"
            : $"tcp or {Tunnels}";
}
