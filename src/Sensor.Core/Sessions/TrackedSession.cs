using System.Runtime.CompilerServices;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Sessions;

/// <summary>A session in progress: its parser, its record, and which way round the flow's roles are.</summary>
internal sealed class TrackedSession(MailSession session, IMailSessionParser parser, bool reversed)
{
    private readonly SessionBuilder _builder = new(session);

    public MailSession Session => session;

    /// <summary>Parses the bytes; true when they carried the session's first cleartext capability list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Feed(Direction direction, ReadOnlySpan<byte> data, long ticks)
    {
        if (data.IsEmpty)
            return false;
        bool capabilitiesSeen = session.CapabilitiesSeen;
        _builder.CurrentTicks = ticks;
        parser.Feed(Orient(direction), data, _builder);
        return !capabilitiesSeen && session.CapabilitiesSeen;
    }

    public void Gap(Direction direction, long missingBytes)
    {
        if (missingBytes > 0)
            session.AddAnomaly(AnomalyNames.Sided(AnomalyNames.Gap, IsClient(direction)));
        parser.Gap(Orient(direction), _builder);
    }

    public void Anomaly(Direction direction, ReassemblyAnomaly anomaly)
    {
        session.AddAnomaly(AnomalyNames.Sided(AnomalyName(anomaly), IsClient(direction)));
    }

    public MailSession Finish(TcpFlow flow, FlowEndReason reason)
    {
        _builder.CurrentTicks = flow.LastTicks;
        parser.End(_builder);
        parser.ReleaseBuffers(); // whatever ended the flow (close, reset, idle, eviction, end of capture)
        session.EndTicks = flow.LastTicks;
        session.BytesClient = reversed ? flow.BytesServerToClient : flow.BytesClientToServer;
        session.BytesServer = reversed ? flow.BytesClientToServer : flow.BytesServerToClient;
        if (reason is FlowEndReason.Evicted)
            session.AddAnomaly(AnomalyNames.FlowEvicted);
        return session;
    }

    private Direction Orient(Direction direction) =>
        reversed ? (Direction)(1 - (int)direction) : direction;

    private bool IsClient(Direction direction) => Orient(direction) == Direction.ClientToServer;

    private static string AnomalyName(ReassemblyAnomaly anomaly) => anomaly switch
    {
        ReassemblyAnomaly.OverlapConflict => AnomalyNames.OverlapConflict,
        ReassemblyAnomaly.Gap => AnomalyNames.Gap,
        ReassemblyAnomaly.FlowBufferCap => AnomalyNames.FlowBufferCap,
        ReassemblyAnomaly.GlobalBufferCap => AnomalyNames.GlobalBufferCap,
        ReassemblyAnomaly.FlowTableFull => AnomalyNames.FlowTableFull,
        _ => AnomalyNames.OtherReassembly, // a new kind not yet named: counted, never a throw on the packet path
    };
}
