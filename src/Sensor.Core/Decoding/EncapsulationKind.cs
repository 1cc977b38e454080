namespace Sensor.Core.Decoding;

/// <summary>Where in a frame the decoder met a type it does not decode.</summary>
public enum EncapsulationLayer : byte
{
    None,
    EtherType,
    IpProtocol,
    GreProtocol,
    GreVersion,
    PppProtocol,
    L2tpVersion,
    GtpVersion,
    GeneveVersion,
    GeneveProtocol,
    ErspanVersion,
    ErspanFrameType,
    MplsPayload,
}

/// <summary>
/// One kind of encapsulation the sensor does not decode (an ethertype, IP protocol, GRE or PPP protocol,
/// a tunnel header version), so a run can say how many frames of each kind it could not look into.
/// </summary>
public readonly record struct EncapsulationKind(EncapsulationLayer Layer, int Value)
{
    public override string ToString() => Layer switch
    {
        EncapsulationLayer.EtherType => $"ethertype 0x{Value:x4}",
        EncapsulationLayer.IpProtocol => $"ip protocol {Value}",
        EncapsulationLayer.GreProtocol => $"gre protocol 0x{Value:x4}",
        EncapsulationLayer.GreVersion => $"gre version {Value}",
        EncapsulationLayer.PppProtocol => $"ppp protocol 0x{Value:x4}",
        EncapsulationLayer.L2tpVersion => $"l2tp version {Value}",
        EncapsulationLayer.GtpVersion => $"gtp-u version {Value}",
        EncapsulationLayer.GeneveVersion => $"geneve version {Value}",
        EncapsulationLayer.GeneveProtocol => $"geneve protocol 0x{Value:x4}",
        EncapsulationLayer.ErspanVersion => $"erspan version {Value}",
        EncapsulationLayer.ErspanFrameType => $"erspan frame type {Value}",
        EncapsulationLayer.MplsPayload => $"mpls payload starting 0x{Value:x}",
        _ => "none",
    };
}
