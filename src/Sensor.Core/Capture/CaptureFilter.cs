namespace Sensor.Core.Capture;

/// <summary>
/// The live capture's default BPF filter: every TCP segment, and every packet of the tunnels the decoder
/// reads, so mail inside them is not dropped in the kernel. A bare "tcp" matches only TCP directly in
/// IPv4/IPv6 at the link layer's offset: nothing VLAN-tagged, in PPPoE, MPLS or any tunnel. libpcap can
/// look past VLAN tags, PPPoE and MPLS only on Ethernet ("no VLAN support for Linux cooked v2"), so those
/// three are added there only; on other link types the device that terminates them is captured instead.
/// </summary>
public static class CaptureFilter
{
    /// <summary>GRE (ERSPAN too), VXLAN, Geneve, L2TP, GTP-U, IP in IP, 6in4/4in6, EtherIP, MPLS in IP.</summary>
    public const string Tunnels =
        "proto gre or udp port 4789 or udp port 6081 or udp port 1701 or udp port 2152"
        + " or ip proto 4 or ip proto 41 or ip6 proto 4 or ip6 proto 41 or ip proto 97 or ip proto 137";

    /// <summary>Described for the command line's help and start-up line.</summary>
    public const string Description = "tcp, tunnels (GRE, VXLAN, Geneve, L2TP, GTP-U, IP in IP) and, on Ethernet, VLAN, PPPoE and MPLS";

    public static string Default(int linkType) =>
        linkType == Decoding.LinkType.Ethernet ? $"tcp or {Tunnels} or vlan or pppoes or mpls" : $"tcp or {Tunnels}";
}
