using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Pipeline;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Fuzz;

/// <summary>
/// IP reassembly on a sequence of frames, through the decoder's fragment hand-off and the pipeline's
/// fragment stage into a flow table. The input format is the packets target's. A small fragment cap
/// (16 KiB) so eviction is reached; after every frame the held bytes must be within the cap, and once
/// capture time has passed every timeout nothing may be held.
/// </summary>
internal static class FragmentTarget
{
    private static readonly DefragmentLimits Small = new() { MaxBufferedBytes = 16 * 1024 };

    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var linkType = PacketTarget.LinkTypes[input.Byte() % PacketTarget.LinkTypes.Length];
        var budget = new BufferBudget(long.MaxValue);
        var flows = new FlowTable(new SessionTracker(new PacketTarget.SessionChecker(), budget));
        var defragmenter = new Defragmenter(Small);
        var stage = new FragmentStage(defragmenter, flows);
        long ticks = TimeSpan.TicksPerDay;
        while (!input.IsEmpty)
        {
            var length = input.UInt16();
            ticks += input.Byte() * TimeSpan.TicksPerSecond;
            var frame = input.Take(length);
            var result = PacketDecoder.DecodeFrame(linkType, ticks, frame, out var segment);
            if (result == DecodeResult.Tcp)
                flows.Process(segment);
            else if (result == DecodeResult.Fragment)
                stage.OnFragment(ticks, segment.Payload);
            CheckHeld(defragmenter.Stats);
        }
        defragmenter.AdvanceTime(ticks + TimeSpan.TicksPerDay);
        if (defragmenter.Stats.PendingDatagrams != 0 || defragmenter.Stats.BufferedBytes != 0)
            throw new FuzzFinding($"{defragmenter.Stats.PendingDatagrams} datagrams, {defragmenter.Stats.BufferedBytes} bytes held after every timeout");
        flows.Flush();
        Checks.BudgetReturned(budget);
    }

    private static void CheckHeld(DefragmentStats stats)
    {
        if (stats.BufferedBytes < 0 || stats.BufferedBytes > Small.MaxBufferedBytes || stats.PendingDatagrams < 0)
            throw new FuzzFinding($"{stats.BufferedBytes} bytes held in {stats.PendingDatagrams} datagrams, cap {Small.MaxBufferedBytes}");
    }

    /// <summary>A seed: the capture's link type, then only its fragment frames, in the packets target's format.</summary>
    public static byte[] Seed(string capture)
    {
        var collector = new FragmentCollector();
        new CaptureReader([capture]).Read(collector);
        return collector.Frames.ToArray();
    }

    private sealed class FragmentCollector : IPacketHandler
    {
        public MemoryStream Frames { get; } = new();

        public void OnPacket(in RawPacket packet)
        {
            if (Frames.Length == 0)
                Frames.WriteByte((byte)Array.IndexOf(PacketTarget.LinkTypes, packet.LinkType));
            if (PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out _) == DecodeResult.Fragment)
                PacketTarget.Encode(Frames, packet.Data, 0);
        }
    }
}
