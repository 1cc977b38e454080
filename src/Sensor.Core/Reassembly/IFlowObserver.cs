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
    /// <summary>
    /// A RST inside the window but not at the next expected sequence number: the receiver answers with a
    /// challenge ACK and carries on (RFC 5961 §3.2), so the flow does too. A blind reset attempt.
    /// </summary>
    ResetIgnored,
    /// <summary>
    /// A segment with a bad TCP checksum in a direction whose segments carry good ones: the receiver drops
    /// it (RFC 9293 §3.1), and so does reassembly. What a forger in a hurry sends.
    /// </summary>
    BadChecksum,
    /// <summary>
    /// An urgent byte was taken out of the stream, as the receiving stack does by default (Linux without
    /// SO_OOBINLINE, RFC 6093 §3): mail protocols have no use for urgent data, so it hides bytes from an observer.
    /// </summary>
    UrgentData,
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

    /// <summary>
    /// Two versions of the same delivered bytes: <paramref name="kept"/> was delivered (first wins), <paramref name="other"/>
    /// came later for the same sequence range with different bytes (an injection race: which one the receiver took
    /// shows in what it does next). Raised with the OverlapConflict anomaly; both spans are valid only during the call.
    /// </summary>
    void OnConflict(TcpFlow flow, Direction direction, ReadOnlySpan<byte> kept, ReadOnlySpan<byte> other) { }
    void OnFlowEnd(TcpFlow flow, FlowEndReason reason);
}
