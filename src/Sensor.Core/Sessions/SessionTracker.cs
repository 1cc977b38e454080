using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Sessions;

/// <summary>
/// The flow observer that turns reassembled TCP streams into mail sessions: picks the protocol by
/// port or, on other ports, by what the server says first; feeds the parser; hands finished
/// sessions on. Flows that are not mail are marked ignored so reassembly stops buffering them.
/// Every parser reserves its long buffers from one <see cref="BufferBudget"/> (null: unlimited) and gives
/// them back when its flow ends, whatever the reason.
/// </summary>
public sealed class SessionTracker(ISessionConsumer consumer, BufferBudget? budget = null) : IFlowObserver
{
    public long SessionsStarted { get; private set; }

    // Open sessions per client address, so a session's end can say whether the client has others still open.
    private readonly Dictionary<Decoding.NetAddress, int> _openByClient = [];

    /// <summary>The relay has replayed one batch: lets the consumer do what waits for time to pass.</summary>
    public void OnBatchReplayed() => consumer.OnBatchReplayed();

    public void OnFlowStart(TcpFlow flow)
    {
        var protocol = MailProtocolDetector.ByPort(flow.Server.Port, out bool implicitTls);
        flow.Attachment = protocol is { } known
            ? StartSession(flow, known, implicitTls, reversed: false)
            : new PendingFlow();
    }

    public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data) =>
        OnData(flow, direction, data, flow.LastTicks);

    /// <summary>The same, with the capture time the bytes arrived at (when replayed from another thread).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data, long ticks)
    {
        switch (flow.Attachment)
        {
            case TrackedSession tracked:
                Feed(tracked, direction, data, ticks);
                break;
            case PendingFlow pending:
                Identify(flow, pending, direction, data, ticks);
                break;
        }
    }

    public void OnGap(TcpFlow flow, Direction direction, long missingBytes)
    {
        if (flow.Attachment is TrackedSession tracked)
            tracked.Gap(direction, missingBytes);
        else if (flow.Attachment is PendingFlow pending)
            pending.SawGap = true;
    }

    public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail)
    {
        if (flow.Attachment is TrackedSession tracked)
            tracked.Anomaly(direction, anomaly);
    }

    public void OnConflict(TcpFlow flow, Direction direction, ReadOnlySpan<byte> kept, ReadOnlySpan<byte> other) =>
        OnConflict(flow, direction, kept, other, flow.LastTicks);

    /// <summary>The same, with the capture time the second version arrived at (when replayed from another thread).</summary>
    public void OnConflict(TcpFlow flow, Direction direction, ReadOnlySpan<byte> kept, ReadOnlySpan<byte> other, long ticks)
    {
        if (flow.Attachment is TrackedSession tracked)
            tracked.Conflict(direction, kept, other, ticks);
    }

    public void OnFlowEnd(TcpFlow flow, FlowEndReason reason)
    {
        if (flow.Attachment is TrackedSession tracked)
        {
            var session = tracked.Finish(flow, reason);
            session.ClientHadOtherSessionsOpen = Closed(session.Client.Address) > 0;
            consumer.OnSessionEnd(session);
        }
        flow.Attachment = null;
    }

    /// <summary>
    /// On a port that is not a mail port, the first bytes decide: a mail greeting from the server
    /// (or from the side guessed as client, when no handshake told us who is who) starts a session;
    /// anything else means the flow is not mail.
    /// </summary>
    private void Identify(TcpFlow flow, PendingFlow pending, Direction direction, ReadOnlySpan<byte> data, long ticks)
    {
        if (!pending.Collect(direction, data, out int consumed))
            return;
        var speaker = pending.Speaker!.Value;
        var protocol = pending.Identify(flow.SawHandshake, out bool reversed);
        if (protocol is null)
        {
            flow.Ignored = true;
            flow.Attachment = null;
            return;
        }
        var tracked = StartSession(flow, protocol.Value, implicitTls: false, reversed);
        flow.Attachment = tracked;
        if (pending.SawGap)
            tracked.Gap(speaker, 0);
        Feed(tracked, speaker, pending.Buffered, ticks);
        if (!pending.Answer.IsEmpty) // the greeting after a client's early hello, or the hello after a greeting that did not say SMTP
            Feed(tracked, speaker == Direction.ClientToServer ? Direction.ServerToClient : Direction.ClientToServer, pending.Answer, ticks);
        Feed(tracked, direction, data[consumed..], ticks);
    }

    private void Feed(TrackedSession tracked, Direction direction, ReadOnlySpan<byte> data, long ticks)
    {
        switch (tracked.Feed(direction, data, ticks))
        {
            case CapabilityMoment.ListSeen: consumer.OnCapabilitiesSeen(tracked.Session); break;
            case CapabilityMoment.ClientAnswered: consumer.OnCapabilitiesAnswered(tracked.Session); break;
        }
    }

    /// <summary>Counts a client's session closed; returns how many of its sessions are still open.</summary>
    private int Closed(Decoding.NetAddress client)
    {
        ref int open = ref CollectionsMarshal.GetValueRefOrNullRef(_openByClient, client);
        if (Unsafe.IsNullRef(ref open) || open <= 1)
        {
            _openByClient.Remove(client);
            return 0;
        }
        return --open;
    }

    private TrackedSession StartSession(TcpFlow flow, MailProtocol protocol, bool implicitTls, bool reversed)
    {
        SessionsStarted++;
        var client = reversed ? flow.Server : flow.Client;
        CollectionsMarshal.GetValueRefOrAddDefault(_openByClient, client.Address, out _)++;
        var server = reversed ? flow.Client : flow.Server;
        var session = new MailSession(SessionId.For(client, server, flow.FirstTicks), protocol, client, server,
            flow.FirstTicks, implicitTls, midStream: !flow.SawHandshake);
        return new TrackedSession(session, MailParserFactory.Create(protocol, implicitTls, budget), reversed);
    }
}
