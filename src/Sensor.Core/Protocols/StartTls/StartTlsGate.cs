using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.StartTls;

/// <summary>
/// The STARTTLS gate as a pure state machine: which bytes of a mail session are cleartext, which
/// are held aside as injected, and which are TLS. It knows nothing of bytes or events; it says where
/// a direction's bytes go (<see cref="Route"/>) and, for each event, the next state and what is to be
/// done with the bytes held (<see cref="TryFire"/>). An event with no row in <see cref="Transitions"/>
/// is ignored (the state does not move): a stray reply must not open or close the gate.
/// </summary>
public struct StartTlsGate
{
    private const GateEffects Accept = GateEffects.ReportHeldClient | GateEffects.DropHeldClient;
    private const GateEffects Refuse = GateEffects.ReportHeldClient | GateEffects.ReplayHeldClient;
    private const GateEffects Handshake = GateEffects.ReportHeldServer | GateEffects.DropHeldServer;
    private const GateEffects NotStarted = GateEffects.ReportNotStarted | Handshake | GateEffects.ReplayHeldClient;

    private static readonly GateTransition[] Table =
    [
        // RFC 3207 §4 / RFC 2595 §3.1, §4: the command; the client waits for the answer, so anything it sends meanwhile is injected.
        new(GateState.Plain, GateEvent.StartTlsCommand, GateState.CommandSent, GateEffects.None),
        // The answer: the bytes sent before it were injected (CVE-2011-0411). On acceptance they are gone
        // (a server that buffered them runs them inside TLS); on refusal they were cleartext after all.
        new(GateState.CommandSent, GateEvent.PositiveReply, GateState.Accepted, Accept),
        new(GateState.CommandSent, GateEvent.NegativeReply, GateState.Plain, Refuse),
        // RFC 3207 §4: after 220 the client MUST start the TLS negotiation. Server bytes before the
        // ClientHello were injected (a buffered response taken as post-TLS).
        new(GateState.Accepted, GateEvent.ClientTlsRecord, GateState.Encrypted, Handshake),
        new(GateState.Accepted, GateEvent.ClientCleartext, GateState.CleartextAfterAccept, GateEffects.None),
        // Cleartext instead of TLS: the upgrade did not happen, and the dialogue goes on in the clear.
        new(GateState.CleartextAfterAccept, GateEvent.CleartextLineComplete, GateState.Plain, NotStarted),
        // Not a mail server: nothing of the flow is read, so what the client sent was no injection.
        new(GateState.Plain, GateEvent.ServerNotMail, GateState.Plain, GateEffects.DropHeldClient),
        new(GateState.CommandSent, GateEvent.ServerNotMail, GateState.Plain, GateEffects.DropHeldClient),
        // The flow ends: what is held is reported as it stands.
        new(GateState.Plain, GateEvent.FlowEnd, GateState.Plain, GateEffects.None),
        new(GateState.CommandSent, GateEvent.FlowEnd, GateState.CommandSent, GateEffects.ReportHeldClient),
        new(GateState.Accepted, GateEvent.FlowEnd, GateState.Accepted, GateEffects.ReportHeldServer),
        new(GateState.CleartextAfterAccept, GateEvent.FlowEnd, GateState.Plain, NotStarted),
        new(GateState.Encrypted, GateEvent.FlowEnd, GateState.Encrypted, GateEffects.None),
    ];

    /// <param name="implicitTls">RFC 8314 §3: on ports 465, 993 and 995 TLS starts with the connection.</param>
    public StartTlsGate(bool implicitTls) => State = implicitTls ? GateState.Encrypted : GateState.Plain;

    public GateState State { get; private set; }

    /// <summary>Every legal transition; any other (state, event) pair is ignored.</summary>
    public static ReadOnlySpan<GateTransition> Transitions => Table;

    /// <summary>Moves on <paramref name="on"/> if the table has a row for it; false (and no move) otherwise.</summary>
    public bool TryFire(GateEvent on, out GateEffects effects)
    {
        foreach (var row in Table)
        {
            if (row.From == State && row.On == on)
            {
                State = row.To;
                effects = row.Effects;
                return true;
            }
        }
        effects = GateEffects.None;
        return false;
    }

    /// <summary>Where a direction's bytes go in <paramref name="state"/>.</summary>
    public static ByteRoute Route(GateState state, Direction direction) => (state, direction == Direction.ClientToServer) switch
    {
        (GateState.Plain, _) => ByteRoute.Parse,
        (GateState.CommandSent, true) => ByteRoute.Hold,
        (GateState.CommandSent, false) => ByteRoute.Parse,
        (GateState.Accepted, true) => ByteRoute.CheckFirstByte,
        (GateState.CleartextAfterAccept, true) => ByteRoute.CollectCleartextLine,
        (GateState.Accepted or GateState.CleartextAfterAccept, false) => ByteRoute.Hold,
        _ => ByteRoute.Tls,
    };

    /// <inheritdoc cref="Route(GateState, Direction)"/>
    public readonly ByteRoute Route(Direction direction) => Route(State, direction);
}
