using System.Runtime.CompilerServices;
using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

public sealed partial class FlowTable
{
    private TcpFlow Create(FlowKey key, in TcpSegment segment)
    {
        if (_flows.Count >= Limits.MaxFlows)
            EvictOldest();
        var (client, server) = FlowRoles.Decide(segment);
        var flow = new TcpFlow(client, server, segment.TimestampTicks, sawHandshake: segment.Has(TcpFlags.Syn))
        {
            Key = key,
        };
        flow.InitiatorStream = new StreamReassembler(flow, client, _context);
        flow.ResponderStream = new StreamReassembler(flow, server, _context);
        flow.IdleNode = _idle.AddLast(flow);
        _flows.Add(key, flow);
        Stats.FlowsCreated++;
        Stats.ActiveFlows = _flows.Count;
        _context.Observer.OnFlowStart(flow);
        return flow;
    }

    /// <summary>Moves the flow to the most-recently-active end; the node is reused, nothing allocates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Touch(TcpFlow flow, long timestampTicks)
    {
        if (timestampTicks > flow.LastTicks)
            flow.LastTicks = timestampTicks;
        flow.Packets++;
        var node = flow.IdleNode!;
        if (node != _idle.Last)
        {
            _idle.Remove(node);
            _idle.AddLast(node);
        }
    }

    private void EvictOldest()
    {
        var victim = _idle.First!.Value;
        Stats.FlowTableFullHits++;
        Stats.FlowsEvicted++;
        _context.Observer.OnAnomaly(victim, Direction.ClientToServer, ReassemblyAnomaly.FlowTableFull,
            $"flow table full at {Limits.MaxFlows} flows; oldest idle flow evicted");
        End(victim, FlowEndReason.Evicted);
    }

    /// <summary>Delivers what is held (holes reported as gaps), tells the observer, and forgets the flow.</summary>
    private void End(TcpFlow flow, FlowEndReason reason)
    {
        if (!flow.Ignored)
        {
            flow.InitiatorStream!.DropSuspects();
            flow.ResponderStream!.DropSuspects();
            flow.InitiatorStream!.SkipAllHoles();
            flow.ResponderStream!.SkipAllHoles();
        }
        _flows.Remove(flow.Key);
        _idle.Remove(flow.IdleNode!);
        flow.InitiatorStream!.Release();
        flow.ResponderStream!.Release();
        Stats.FlowsEnded++;
        Stats.ActiveFlows = _flows.Count;
        _context.Observer.OnFlowEnd(flow, reason);
    }
}
