namespace Sensor.Core.Reassembly;

public enum FlowEndReason : byte { Closed, Reset, IdleTimeout, Evicted, EndOfCapture }

/// <summary>Anomalies of the TCP layer; each is counted and reported, never fatal.</summary>
public enum ReassemblyAnomaly : byte
{
    /// <summary>A retransmitted range carried different bytes than first seen (first wins): an evasion attempt or a broken middlebox.</summary>
    OverlapConflict,
    /// <summary>Bytes were never seen; the stream continues after the hole.</summary>
    Gap,
    /// <summary>The per-flow buffer cap was crossed; buffered out-of-order data was given up.</summary>
    FlowBufferCap,
    /// <summary>The global buffer budget was crossed; this flow's buffered data was given up.</summary>
    GlobalBufferCap,
    /// <summary>The flow table was full; this flow was evicted.</summary>
    FlowTableFull,
    /// <summary>IP fragments of one of this flow's datagrams overlapped with different bytes (RFC 5722, RFC 1858 §4): the receiver kept the first, or dropped the datagram.</summary>
    IpFragmentOverlapConflict,
    /// <summary>IP fragments of one of this flow's datagrams added up to more than 65535 bytes: the datagram was dropped.</summary>
    IpFragmentOversize,
}

/// <summary>
/// What reassembly hands to the next stage. Each direction's bytes arrive in order and once;
/// the span is valid only during the call.
/// </summary>
public interface IFlowObserver
{
    void OnFlowStart(TcpFlow flow);
    void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data);
    void OnGap(TcpFlow flow, Direction direction, long missingBytes);
    void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail);
    void OnFlowEnd(TcpFlow flow, FlowEndReason reason);
}
