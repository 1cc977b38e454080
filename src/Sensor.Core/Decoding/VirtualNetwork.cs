namespace Sensor.Core.Decoding;

/// <summary>
/// Which virtual network a session's addresses belong to, so two customers reusing the same inner
/// addresses in different VLANs or VXLAN/Geneve segments are two sessions, as Suricata keys flows by
/// their VLAN ids and Zeek by its VLAN connection key. Only identifiers both directions share go in:
/// 802.1Q/802.1ad VLAN ids (0 is a priority tag, not a VLAN) and the 24-bit VNI of VXLAN (RFC 7348 §5)
/// and Geneve (RFC 8926 §3.4). Tunnel identifiers chosen by each receiver (GRE keys, L2TP tunnel and
/// session ids, GTP-U TEIDs, MPLS labels) differ per direction and would split a connection in two;
/// tunnel outer addresses are not the session's.
/// </summary>
public static class VirtualNetwork
{
    public const ulong None = 0;

    private const uint Vlan = 1, Vxlan = 2, Geneve = 3;

    public static ulong AddVlan(ulong network, int vlanId) => vlanId == 0 ? network : Add(network, Vlan, (uint)vlanId);
    public static ulong AddVxlan(ulong network, uint vni) => Add(network, Vxlan, vni);
    public static ulong AddGeneve(ulong network, uint vni) => Add(network, Geneve, vni);

    /// <summary>
    /// Each identifier is 32 bits (kind, 24-bit id); the first two are kept exactly, side by side (an
    /// 802.1ad S-tag and C-tag, a VLAN and a VNI), and each further one is folded in through a bijective
    /// mix (MurmurHash3's finaliser step), so a deeper stack still separates, with a 2^-64 chance of two colliding.
    /// </summary>
    private static ulong Add(ulong network, uint kind, uint id)
    {
        ulong element = (ulong)kind << 24 | (id & 0xFFFFFF);
        if (network >> 32 == 0)
            return network << 32 | element;
        network ^= network >> 33;
        return network * 0xFF51AFD7ED558CCDUL ^ element;
    }
}
