namespace Sensor.Core.Reassembly;

/// <summary>The flow table's per-flow state: the key, both streams and the place in the idle list.</summary>
public sealed partial class TcpFlow
{
    internal FlowKey Key { get; set; }
    internal StreamReassembler? ClientStream { get; set; }
    internal StreamReassembler? ServerStream { get; set; }
    internal LinkedListNode<TcpFlow>? IdleNode { get; set; }
    /// <summary>Set once the streams' buffers were returned after the observer marked the flow Ignored.</summary>
    internal bool BuffersReleased { get; set; }

    internal StreamReassembler Stream(Direction direction) =>
        direction == Direction.ClientToServer ? ClientStream! : ServerStream!;
}
