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
        flow.IdleNode = _silent.AddLast(flow);
        _flows.Add(key, flow);
        Stats.FlowsCreated++;
        Stats.ActiveFlows = _flows.Count;
        _context.Observer.OnFlowStart(flow);
        return flow;
    }

    /// <summary>
    /// Moves the flow to the most-recently-active end of its list, and out of the silent flows at its first
    /// payload; the node is reused, nothing allocates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Touch(TcpFlow flow, long timestampTicks, bool payload)
    {
        if (timestampTicks > flow.LastTicks)
            flow.LastTicks = timestampTicks;
        flow.Packets++;
        var node = flow.IdleNode!;
        var list = payload ? _idle : node.List!;
        if (node != list.Last)
        {
            node.List!.Remove(node);
            list.AddLast(node);
        }
    }

    /// <summary>At the flow cap: the oldest flow that never carried payload goes first, else the oldest of all.</summary>
    private void EvictOldest()
    {
        var victim = (_silent.First ?? _idle.First)!.Value;
        Stats.FlowTableFullHits++;
        Stats.FlowsEvicted++;
        _context.Observer.OnAnomaly(victim, Direction.ClientToServer, ReassemblyAnomaly.FlowTableFull,
            $"flow table full at {Limits.MaxFlows} flows; oldest idle flow evicted (one that carried no payload first)");
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
        flow.IdleNode!.List!.Remove(flow.IdleNode);
        flow.InitiatorStream!.Release();
        flow.ResponderStream!.Release();
        Stats.FlowsEnded++;
        Stats.ActiveFlows = _flows.Count;
        _context.Observer.OnFlowEnd(flow, reason);
    }
}
