namespace Sensor.Core.Decoding;

/// <summary>
/// Which virtual network a session's addresses belong to, so two customers reusing the same inner
/// addresses in different VXLAN or Geneve segments are two sessions: the 24-bit VNI of VXLAN (RFC 7348
/// §5) and Geneve (RFC 8926 §3.4), which both directions share. VLAN ids are not part of it, as in
/// Zeek's default connection key: a span port commonly delivers the same frame twice, once tagged and
/// once not, and both copies must be one session. Tunnel identifiers chosen by each receiver (GRE keys,
/// L2TP tunnel and session ids, GTP-U TEIDs, MPLS labels) differ per direction and would split a
/// connection in two; tunnel outer addresses are not the session's.
/// </summary>
public static class VirtualNetwork
{
    public const ulong None = 0;

    private const uint Vxlan = 2, Geneve = 3;

    public static ulong AddVxlan(ulong network, uint vni) => Add(network, Vxlan, vni);
    public static ulong AddGeneve(ulong network, uint vni) => Add(network, Geneve, vni);

    /// <summary>
    /// Each identifier is 32 bits (kind, 24-bit id); the first two are kept exactly, side by side (a
    /// VNI inside another VNI), and each further one is folded in through a bijective
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
