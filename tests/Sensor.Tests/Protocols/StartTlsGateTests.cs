using Sensor.Core.Protocols.StartTls;
using Sensor.Core.Reassembly;
using static Sensor.Core.Protocols.StartTls.GateEffects;
using static Sensor.Core.Protocols.StartTls.GateEvent;
using static Sensor.Core.Protocols.StartTls.GateState;

namespace Sensor.Tests.Protocols;

/// <summary>
/// The STARTTLS gate alone: each row of its transition table (spelled out here again, not read from
/// the table), every (state, event) pair without a row, and where each state sends each direction's bytes.
/// </summary>
public class StartTlsGateTests
{
    /// <summary>The table as RFC 3207 §4, RFC 2595 §3.1/§4 and the held-bytes rules want it.</summary>
    private static readonly GateTransition[] Expected =
    [
        new(Plain, StartTlsCommand, CommandSent, None),
        new(CommandSent, PositiveReply, Accepted, ReportHeldClient | DropHeldClient),
        new(CommandSent, NegativeReply, Plain, ReportHeldClient | ReplayHeldClient),
        new(Accepted, ClientTlsRecord, Encrypted, ReportHeldServer | DropHeldServer),
        new(Accepted, ClientCleartext, CleartextAfterAccept, None),
        new(CleartextAfterAccept, CleartextLineComplete, Plain, ReportNotStarted | ReportHeldServer | DropHeldServer | ReplayHeldClient),
        new(Plain, ServerNotMail, Plain, DropHeldClient),
        new(CommandSent, ServerNotMail, Plain, DropHeldClient),
        new(Plain, FlowEnd, Plain, None),
        new(CommandSent, FlowEnd, CommandSent, ReportHeldClient),
        new(Accepted, FlowEnd, Accepted, ReportHeldServer),
        new(CleartextAfterAccept, FlowEnd, Plain, ReportNotStarted | ReportHeldServer | DropHeldServer | ReplayHeldClient),
        new(Encrypted, FlowEnd, Encrypted, None),
    ];

    public static TheoryData<GateState, GateEvent> IllegalPairs()
    {
        var data = new TheoryData<GateState, GateEvent>();
        foreach (var state in Enum.GetValues<GateState>())
        {
            foreach (var on in Enum.GetValues<GateEvent>())
            {
                if (!Expected.Any(row => row.From == state && row.On == on))
                    data.Add(state, on);
            }
        }
        return data;
    }

    [Theory]
    // STARTTLS/STLS in the clear (RFC 3207 §4, RFC 2595 §3.1, §4)
    [InlineData(Plain, StartTlsCommand, CommandSent, None)]
    // 220 / OK / +OK: the client's bytes sent meanwhile were injected, and are gone
    [InlineData(CommandSent, PositiveReply, Accepted, ReportHeldClient | DropHeldClient)]
    // 454 / NO / -ERR: they were injected, and are cleartext to parse after all
    [InlineData(CommandSent, NegativeReply, Plain, ReportHeldClient | ReplayHeldClient)]
    // the ClientHello: server bytes since the acceptance were injected
    [InlineData(Accepted, ClientTlsRecord, Encrypted, ReportHeldServer | DropHeldServer)]
    [InlineData(Accepted, ClientCleartext, CleartextAfterAccept, None)]
    [InlineData(CleartextAfterAccept, CleartextLineComplete, Plain, ReportNotStarted | ReportHeldServer | DropHeldServer | ReplayHeldClient)]
    [InlineData(Plain, ServerNotMail, Plain, DropHeldClient)]
    [InlineData(CommandSent, ServerNotMail, Plain, DropHeldClient)]
    [InlineData(Plain, FlowEnd, Plain, None)]
    [InlineData(CommandSent, FlowEnd, CommandSent, ReportHeldClient)]
    [InlineData(Accepted, FlowEnd, Accepted, ReportHeldServer)]
    [InlineData(CleartextAfterAccept, FlowEnd, Plain, ReportNotStarted | ReportHeldServer | DropHeldServer | ReplayHeldClient)]
    [InlineData(Encrypted, FlowEnd, Encrypted, None)]
    public void Each_row_moves_to_its_state_and_asks_for_its_effects(GateState from, GateEvent on, GateState to, GateEffects effects)
    {
        var gate = Reach(from);

        Assert.True(gate.TryFire(on, out var asked));

        Assert.Equal(to, gate.State);
        Assert.Equal(effects, asked);
    }

    [Theory]
    [MemberData(nameof(IllegalPairs))]
    public void An_event_without_a_row_is_ignored_and_the_state_stays(GateState state, GateEvent on)
    {
        var gate = Reach(state);

        Assert.False(gate.TryFire(on, out var asked));

        Assert.Equal(state, gate.State);
        Assert.Equal(None, asked);
    }

    [Fact]
    public void The_table_has_exactly_the_expected_rows_one_per_state_and_event()
    {
        var table = StartTlsGate.Transitions.ToArray();

        Assert.Equal(Expected.OrderBy(Key), table.OrderBy(Key));
        Assert.Equal(table.Length, table.Select(row => (row.From, row.On)).Distinct().Count());
        Assert.Equal(27, IllegalPairs().Count()); // 5 states x 8 events - 13 rows
    }

    [Fact]
    public void A_session_starts_plain_or_on_an_implicit_TLS_port_encrypted()
    {
        Assert.Equal(Plain, new StartTlsGate(implicitTls: false).State);
        Assert.Equal(Encrypted, new StartTlsGate(implicitTls: true).State); // RFC 8314 §3
        Assert.Equal(Plain, default(StartTlsGate).State);
    }

    [Fact]
    public void A_refused_upgrade_can_be_asked_for_again_and_then_happen()
    {
        var gate = new StartTlsGate(implicitTls: false);

        foreach (var on in new[] { StartTlsCommand, NegativeReply, StartTlsCommand, PositiveReply, ClientTlsRecord })
            Assert.True(gate.TryFire(on, out _));

        Assert.Equal(Encrypted, gate.State);
    }

    [Theory]
    [InlineData(Plain, Direction.ClientToServer, ByteRoute.Parse)]
    [InlineData(Plain, Direction.ServerToClient, ByteRoute.Parse)]
    [InlineData(CommandSent, Direction.ClientToServer, ByteRoute.Hold)]
    [InlineData(CommandSent, Direction.ServerToClient, ByteRoute.Parse)]
    [InlineData(Accepted, Direction.ClientToServer, ByteRoute.CheckFirstByte)]
    [InlineData(Accepted, Direction.ServerToClient, ByteRoute.Hold)]
    [InlineData(CleartextAfterAccept, Direction.ClientToServer, ByteRoute.CollectCleartextLine)]
    [InlineData(CleartextAfterAccept, Direction.ServerToClient, ByteRoute.Hold)]
    [InlineData(Encrypted, Direction.ClientToServer, ByteRoute.Tls)]
    [InlineData(Encrypted, Direction.ServerToClient, ByteRoute.Tls)]
    public void Each_state_sends_each_direction_s_bytes_where_they_belong(GateState state, Direction direction, ByteRoute route)
    {
        Assert.Equal(route, StartTlsGate.Route(state, direction));
        Assert.Equal(route, Reach(state).Route(direction));
    }

    private static (GateState, GateEvent) Key(GateTransition row) => (row.From, row.On);

    /// <summary>A gate in <paramref name="state"/>, reached the way a session reaches it.</summary>
    private static StartTlsGate Reach(GateState state)
    {
        var gate = new StartTlsGate(implicitTls: false);
        GateEvent[] path = state switch
        {
            Plain => [],
            CommandSent => [StartTlsCommand],
            Accepted => [StartTlsCommand, PositiveReply],
            CleartextAfterAccept => [StartTlsCommand, PositiveReply, ClientCleartext],
            Encrypted => [StartTlsCommand, PositiveReply, ClientTlsRecord],
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };
        foreach (var on in path)
            Assert.True(gate.TryFire(on, out _));
        Assert.Equal(state, gate.State);
        return gate;
    }
}
