namespace Sensor.Core.Decoding;

/// <summary>
/// What the decoder carries from a frame's outer layers to its inner ones: the capture time, the
/// virtual network the inner addresses belong to (<see cref="VirtualNetwork"/>), how many
/// encapsulations deep it is, whether an outer length said the capture cut the packet short, and, when
/// the result is <see cref="DecodeResult.UnknownEncapsulation"/>, which kind was not understood.
/// A reassembled IP datagram is handed back with the context of the packet that completed it
/// (<see cref="PacketDecoder.DecodeIp"/>).
/// </summary>
public struct DecodeContext
{
    /// <summary>Tunnels inside tunnels deeper than this are hostile: a frame costs a bounded amount of work.</summary>
    public const int MaxDepth = 8;

    public DecodeContext(long timestampTicks) => TimestampTicks = timestampTicks;

    public long TimestampTicks { get; }

    /// <summary>The VXLAN/Geneve network identifiers met so far, folded (<see cref="VirtualNetwork"/>; VLAN ids are not part of it).</summary>
    public ulong Network { get; set; }

    /// <summary>Encapsulations entered so far (VLAN tags do not count: they have their own bound).</summary>
    public int Depth { get; private set; }

    /// <summary>The innermost IP length said the packet was longer than what the capture kept.</summary>
    public bool CapturedShort { get; set; }

    /// <summary>An IP header's length bounds what is being decoded, so a header cut short can be told from a capture cut short.</summary>
    public bool LengthKnown { get; set; }

    public EncapsulationKind Unknown { get; private set; }

    /// <summary>What a header cut short means here: the capture cut it, or the sender sent too little.</summary>
    internal readonly DecodeResult Short => CapturedShort || !LengthKnown ? DecodeResult.Truncated : DecodeResult.Malformed;

    /// <summary>Goes one encapsulation deeper; false when that is past <see cref="MaxDepth"/>.</summary>
    internal bool Enter() => ++Depth <= MaxDepth;

    /// <summary>
    /// Goes one encapsulation deeper into a header that needs <paramref name="minLength"/> bytes; false with
    /// what to return instead when it is too deep (malformed) or the header is cut short.
    /// </summary>
    internal bool Enter(ReadOnlySpan<byte> header, int minLength, out DecodeResult stop)
    {
        stop = !Enter() ? DecodeResult.Malformed : header.Length < minLength ? Short : DecodeResult.Tcp;
        return stop == DecodeResult.Tcp;
    }

    internal DecodeResult NotUnderstood(EncapsulationLayer layer, int value)
    {
        Unknown = new EncapsulationKind(layer, value);
        return DecodeResult.UnknownEncapsulation;
    }
}
