namespace Sensor.Core.Decoding;

/// <summary>What the decoder made of one frame. Only <see cref="Tcp"/> yields a segment.</summary>
public enum DecodeResult : byte
{
    Tcp,
    /// <summary>Valid, but not TCP over IP (ARP, UDP, ICMP, other ethertypes).</summary>
    NotTcp,
    /// <summary>The capture cut the frame before the end of the TCP header (snap length).</summary>
    Truncated,
    /// <summary>A header contradicts itself (bad version, lengths shorter than the header).</summary>
    Malformed,
    /// <summary>An IP fragment (of any protocol: later fragments do not say what they carry). The segment
    /// holds no TCP yet: its payload is the fragment's IP packet, for the defragmenter (Decoding/Fragments).</summary>
    Fragment,
    UnsupportedLink,
    /// <summary>An encapsulation, or a type inside one, the sensor does not decode (counted per kind: <see cref="EncapsulationKind"/>).</summary>
    UnknownEncapsulation,
}
