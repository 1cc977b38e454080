using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>The flow table's per-flow state: the key, both streams and the place in the idle list.</summary>
public sealed partial class TcpFlow
{
    internal FlowKey Key { get; set; }
    // Streams belong to a sending endpoint, not to a role, so SwapRoles cannot mix them up.
    internal StreamReassembler? InitiatorStream { get; set; }
    internal StreamReassembler? ResponderStream { get; set; }
    internal LinkedListNode<TcpFlow>? IdleNode { get; set; }
    /// <summary>Set once the streams' buffers were returned after the observer marked the flow Ignored.</summary>
    internal bool BuffersReleased { get; set; }

    internal StreamReassembler StreamFrom(Endpoint sender) =>
        sender == InitiatorStream!.Sender ? InitiatorStream : ResponderStream!;
}
