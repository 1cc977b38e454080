using Sensor.Core.Catalogue;
using Sensor.Core.Decoding;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Fuzz;

/// <summary>
/// Packet decoding, reassembly and session tracking on a sequence of frames. First byte: link type
/// (index into <see cref="LinkTypes"/>). Then frames: [u16 length][u8 seconds since the last frame][bytes].
/// Tight reassembly limits so eviction, idle timeouts and out-of-order caps are reached.
/// </summary>
internal static class PacketTarget
{
    public static readonly int[] LinkTypes =
    [
        LinkType.Ethernet, LinkType.Null, LinkType.RawBsd12, LinkType.RawBsd14, LinkType.Raw, LinkType.Loop,
        LinkType.LinuxSll, LinkType.Ipv4, LinkType.Ipv6, LinkType.LinuxSll2,
    ];

    private static readonly ReassemblyLimits Tight = new()
    {
        MaxOutOfOrderBytesPerDirection = 4096,
        MaxOutOfOrderSegmentsPerDirection = 16,
        MaxTotalBufferedBytes = 64 * 1024,
        MaxFlows = 8,
        IdleTimeout = TimeSpan.FromSeconds(60),
        ConflictWindowBytes = 256,
    };

    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var linkType = LinkTypes[input.Byte() % LinkTypes.Length];
        var budget = new BufferBudget(long.MaxValue);
        var consumer = new SessionChecker();
        var flows = new FlowTable(new SessionTracker(consumer, budget), Tight);
        var decoder = new PacketDecoder();
        long ticks = TimeSpan.TicksPerDay;
        while (!input.IsEmpty)
        {
            var length = input.UInt16();
            ticks += input.Byte() * TimeSpan.TicksPerSecond;
            var frame = input.Take(length);
            if (decoder.Decode(linkType, ticks, frame, out var segment) == DecodeResult.Tcp)
                flows.Process(segment);
            else
                flows.AdvanceTime(ticks);
        }
        flows.Flush();
        if (flows.Count != 0)
            throw new FuzzFinding($"{flows.Count} flows left after Flush");
        Checks.BudgetReturned(budget);
    }

    /// <summary>A built session whose parser faulted, or with an anomaly the catalogue lacks, is a finding.</summary>
    internal sealed class SessionChecker : ISessionConsumer
    {
        public void OnSessionEnd(MailSession session)
        {
            if (session.Anomalies.Contains(AnomalyNames.ParserFault))
                throw new FuzzFinding($"parser-fault in a {session.Protocol} session");
            foreach (var unknown in CatalogueCheck.UnknownAnomalies(session))
                throw new FuzzFinding($"anomaly '{unknown}' is not in the catalogue");
        }
    }

    /// <summary>Writes frames in this target's format (for the seed corpus).</summary>
    public static void Encode(Stream output, ReadOnlySpan<byte> frame, int secondsSinceLast)
    {
        var length = Math.Min(frame.Length, ushort.MaxValue);
        output.WriteByte((byte)(length >> 8));
        output.WriteByte((byte)length);
        output.WriteByte((byte)Math.Clamp(secondsSinceLast, 0, 255));
        output.Write(frame[..length]);
    }
}
