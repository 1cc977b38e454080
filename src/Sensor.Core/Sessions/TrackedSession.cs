using System.Runtime.CompilerServices;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Sessions;

/// <summary>What a feed meant for the session's first cleartext capability list.</summary>
internal enum CapabilityMoment : byte { None, ListSeen, ClientAnswered }

/// <summary>A session in progress: its parser, its record, and which way round the flow's roles are.</summary>
internal sealed class TrackedSession(MailSession session, IMailSessionParser parser, bool reversed)
{
    private readonly SessionBuilder _builder = new(session);

    public MailSession Session => session;

    // Set from the first cleartext capability list until the client's next bytes.
    private bool _listAwaitsClient;

    /// <summary>
    /// Parses the bytes; says when they carried the session's first cleartext capability list, and when they
    /// are the client's first bytes after it: by then the list the client acted on is known, and so is a second
    /// copy of it that raced the first (an injection race), which arrives before the client could answer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CapabilityMoment Feed(Direction direction, ReadOnlySpan<byte> data, long ticks)
    {
        if (data.IsEmpty)
            return CapabilityMoment.None;
        var oriented = Orient(direction);
        bool clientAnswers = _listAwaitsClient && oriented == Direction.ClientToServer;
        _listAwaitsClient &= !clientAnswers;
        bool capabilitiesSeen = session.CapabilitiesSeen;
        _builder.CurrentTicks = ticks;
        parser.Feed(oriented, data, _builder);
        if (!capabilitiesSeen && session.CapabilitiesSeen)
        {
            _listAwaitsClient = true;
            return CapabilityMoment.ListSeen;
        }
        return clientAnswers ? CapabilityMoment.ClientAnswered : CapabilityMoment.None;
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

    /// <summary>
    /// A range of bytes was sent twice with different bytes. For the server's side, both versions are read for
    /// what they say about STARTTLS; a disagreement is kept for the detector (which version the client believed
    /// shows in what it did next).
    /// </summary>
    public void Conflict(Direction direction, ReadOnlySpan<byte> kept, ReadOnlySpan<byte> other, long ticks)
    {
        if (Orient(direction) != Direction.ServerToClient || session.ReplyRaces.Count >= ReplyRace.MaxPerSession)
            return;
        bool answersStartTls = session.StartTlsAttempted;
        var keptStance = ReplyStance.Read(session.Protocol, kept, answersStartTls);
        var otherStance = ReplyStance.Read(session.Protocol, other, answersStartTls);
        if (ReplyRace.Disagree(keptStance, otherStance))
            session.ReplyRaces.Add(new ReplyRace(keptStance, otherStance, WireText.Escape(kept), WireText.Escape(other), ticks));
    }

    public MailSession Finish(TcpFlow flow, FlowEndReason reason)
    {
        _builder.CurrentTicks = flow.LastTicks;
        parser.End(_builder);
        parser.ReleaseBuffers(); // whatever ended the flow (close, reset, idle, eviction, end of capture)
        session.EndTicks = flow.LastTicks;
        if (!reversed)
        {
            session.ClientSyn = flow.Syn;
            session.ServerSynAck = flow.SynAck;
        }
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
        ReassemblyAnomaly.IpFragmentOverlapConflict => AnomalyNames.IpFragmentOverlapConflict,
        ReassemblyAnomaly.IpFragmentOversize => AnomalyNames.IpFragmentOversize,
        ReassemblyAnomaly.ResetIgnored => AnomalyNames.ResetIgnored,
        ReassemblyAnomaly.BadChecksum => AnomalyNames.BadChecksum,
        ReassemblyAnomaly.UrgentData => AnomalyNames.UrgentData,
        _ => AnomalyNames.OtherReassembly, // a new kind not yet named: counted, never a throw on the packet path
    };
}
