using Sensor.Core.Decoding;
using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Pipeline;

/// <summary>
/// Between the decoder and the flow table for IP fragments only: a datagram the defragmenter makes whole
/// is decoded by the same code as a captured packet and goes on as its segment; a datagram given up for
/// conflicting overlaps or its size names its connection's anomaly when its first fragment said which.
/// Unfragmented packets never come here.
/// </summary>
internal sealed class FragmentStage(Defragmenter defragmenter, FlowTable flows)
{
    // A reassembled datagram may hold a fragment again (a fragmented packet inside a fragmented tunnel packet); no deeper.
    private const int MaxNesting = 2;

    public DefragmentStats Stats => defragmenter.Stats;

    public void OnFragment(long ticks, ReadOnlySpan<byte> ipPacket, int nesting = 0)
    {
        var outcome = defragmenter.Add(ticks, ipPacket, out var datagram);
        if (outcome is FragmentOutcome.Held or FragmentOutcome.Dropped)
        {
            flows.AdvanceTime(ticks);
            return;
        }
        var decoded = PacketDecoder.DecodeFrame(LinkType.Raw, ticks, datagram, out var segment);
        if (decoded == DecodeResult.Fragment && nesting < MaxNesting && outcome is FragmentOutcome.Reassembled)
        {
            OnFragment(ticks, segment.Payload, nesting + 1);
            return;
        }
        if (decoded != DecodeResult.Tcp)
        {
            flows.AdvanceTime(ticks);
            return;
        }
        if (outcome is FragmentOutcome.Reassembled or FragmentOutcome.ReassembledAfterConflict)
            flows.Process(segment);
        else
            flows.AdvanceTime(ticks);
        if (outcome != FragmentOutcome.Reassembled)
            flows.RaiseAnomaly(segment, AnomalyOf(outcome), Describe(outcome));
    }

    private static ReassemblyAnomaly AnomalyOf(FragmentOutcome outcome) =>
        outcome == FragmentOutcome.Oversize ? ReassemblyAnomaly.IpFragmentOversize : ReassemblyAnomaly.IpFragmentOverlapConflict;

    private static string Describe(FragmentOutcome outcome) => outcome switch
    {
        FragmentOutcome.ReassembledAfterConflict => "IP fragment inside held data with other bytes; first kept",
        FragmentOutcome.DroppedOnConflict => "IP fragment overlapping held data with other bytes; datagram dropped",
        _ => "IP fragments longer than 65535 bytes; datagram dropped",
    };
}
