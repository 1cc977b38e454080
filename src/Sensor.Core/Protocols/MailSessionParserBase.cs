using System.Runtime.CompilerServices;
using Sensor.Core.Protocols.Sasl;
using Sensor.Core.Protocols.StartTls;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols;

/// <summary>
/// What SMTP, IMAP and POP3 share, composed of one part per concern: the STARTTLS gate
/// (<see cref="StartTlsGate"/>, which says where bytes go) with the bytes it holds aside
/// (<see cref="InjectedBytes"/>), the TLS record parsers (<see cref="TlsDirections"/>), the inflation of
/// a compressed stream (<see cref="CompressedDirections"/>), the SASL exchange under way
/// (<see cref="SaslInProgress"/>), the judgement of whether a direction speaks mail at all
/// (<see cref="MailDialogue"/>), line framing after a gap (the Lines part) and the exception barrier
/// (the Barrier part). A protocol parser handles plaintext lines; this class decides which bytes are
/// plaintext at all.
/// </summary>
public abstract partial class MailSessionParserBase : IMailSessionParser
{
    private StartTlsGate _gate;
    private readonly InjectedBytes _held;
    private TlsDirections _tls;
    private CompressedDirections _compression;
    private SaslInProgress _sasl;
    private MailDialogue _dialogue;

    protected MailSessionParserBase(bool implicitTls, BufferBudget? budget)
    {
        _gate = new StartTlsGate(implicitTls);
        Budget = budget ?? BufferBudget.Unlimited;
        _held = new InjectedBytes(Budget);
    }

    /// <summary>Where the parser's line, literal and TLS buffers reserve what they hold past their free size.</summary>
    protected BufferBudget Budget { get; }

    public abstract MailProtocol Protocol { get; }

    public bool InTls => _gate.State == GateState.Encrypted;

    /// <summary>The SASL exchange in progress (SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH), if any.</summary>
    private protected SaslExchange? Auth => _sasl.Current;

    /// <summary>
    /// True when this direction's bytes no longer go to the protocol parser: the client's from its
    /// STARTTLS line on, the server's from an accepting answer on. A parser stops its loop when it turns true.
    /// </summary>
    protected bool Diverted(Direction direction) => _compression.Intercepts
        || _dialogue.IsNotMail(direction)
        || _gate.Route(direction) != ByteRoute.Parse;

    /// <summary>
    /// Parse the client's / the server's plaintext, advancing <paramref name="data"/> past what was consumed.
    /// Must stop right after a line that calls <see cref="StartTlsRequested"/> or an accepting <see cref="StartTlsAnswered"/>.
    /// </summary>
    protected abstract void ParseClient(ref ReadOnlySpan<byte> data, IMailEventSink sink);

    /// <inheritdoc cref="ParseClient"/>
    protected abstract void ParseServer(ref ReadOnlySpan<byte> data, IMailEventSink sink);

    protected abstract void OnGap(Direction direction, IMailEventSink sink);

    /// <summary>Forget partial state after a fault or at the session's end; the next line starts afresh (the SASL exchange is already dropped). Lets go of the line buffers (<see cref="LineFramer.Gap"/>).</summary>
    protected abstract void Reset();

    /// <summary>Starts a SASL exchange, closing the one in progress first.</summary>
    /// <param name="variantPrefix">"smtp-auth-", "imap-authenticate-" or "pop3-auth-" (see <see cref="SaslExchange.Start"/>).</param>
    private protected SaslExchange StartAuth(string mechanism, string variantPrefix, IMailEventSink sink) =>
        _sasl.Start(mechanism, variantPrefix, sink);

    /// <inheritdoc cref="SaslInProgress.Close"/>
    protected void CloseAuth(IMailEventSink sink) => _sasl.Close(sink);

    /// <summary>True when a line of this direction is to be parsed (<see cref="MailDialogue.Speaks"/>).</summary>
    protected bool Speaks(Direction direction, ReadOnlySpan<byte> line, LineStartTest opensDialogue, IMailEventSink sink)
    {
        if (_dialogue.Speaks(direction, line, opensDialogue, sink, out bool flowUnread))
            return true;
        if (flowUnread)
            Fire(GateEvent.ServerNotMail, sink);
        return false;
    }

    /// <summary>The client sent STARTTLS/STLS: from now its bytes are held until the server answers.</summary>
    protected void StartTlsRequested(IMailEventSink sink)
    {
        sink.Emit(new StartTlsCommandEvent());
        Fire(GateEvent.StartTlsCommand, sink);
    }

    /// <summary>The server answered STARTTLS/STLS.</summary>
    protected void StartTlsAnswered(bool accepted, string status, string text, IMailEventSink sink)
    {
        sink.Emit(new StartTlsReplyEvent(accepted, status, text));
        Fire(accepted ? GateEvent.PositiveReply : GateEvent.NegativeReply, sink);
    }

    /// <inheritdoc cref="CompressedDirections.Start"/>
    protected void CompressionStarted(bool deflate, IMailEventSink sink) => _compression.Start(deflate, Budget, sink);

    /// <summary>The session is over: partial state is dropped and every buffer's reservation given back (Reset lets the line buffers go).</summary>
    public void ReleaseBuffers()
    {
        _tls.End();
        _held.Clear();
        _compression.End();
        Reset();
    }

    private void GapCore(Direction direction, IMailEventSink sink)
    {
        _dialogue.AssumeMail(direction);
        if (_gate.State == GateState.Encrypted)
            _tls.For(direction, Budget).Gap(sink);
        else if (!_compression.IsOn)
            OnGap(direction, sink);
        else
            _compression.Gap(direction, sink);
    }

    private void EndCore(IMailEventSink sink)
    {
        Fire(GateEvent.FlowEnd, sink);
        _held.Clear();
        CloseAuth(sink); // an AUTH LOGIN cut short still names its user
        _tls.End();
        _compression.End();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FeedCore(Direction direction, ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty)
        {
            if (_compression.Intercepts)
            {
                Inflate(direction, data, sink);
                return;
            }
            if (Divert(direction, ref data, sink))
                continue;
            if (data.IsEmpty)
                return;
            int before = data.Length;
            if (direction == Direction.ClientToServer)
                ParseClient(ref data, sink);
            else
                ParseServer(ref data, sink);
            if (data.Length == before && !Diverted(direction))
                return;
        }
    }

    /// <summary>Routes bytes the gate owns; true when it changed state and the loop should look again.</summary>
    private bool Divert(Direction direction, ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        if (_dialogue.IsNotMail(direction))
        {
            data = default; // not a mail dialogue: nothing of this direction is read
            return false;
        }
        switch (_gate.Route(direction))
        {
            case ByteRoute.Tls:
                _tls.For(direction, Budget).Feed(data, sink);
                data = default;
                return false;
            case ByteRoute.Hold:
                _held.Hold(direction, data);
                data = default;
                return false;
            case ByteRoute.CheckFirstByte:
                Fire(TlsStreamParser.LooksLikeTlsStart(data[0]) ? GateEvent.ClientTlsRecord : GateEvent.ClientCleartext, sink);
                return true;
            case ByteRoute.CollectCleartextLine:
                if (!_held.CollectClientLine(ref data))
                    return false;
                Fire(GateEvent.CleartextLineComplete, sink);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Moves the gate and carries out what the transition asks of the held bytes, in the flags' order; an event the table has no row for changes nothing.</summary>
    private void Fire(GateEvent on, IMailEventSink sink)
    {
        if (!_gate.TryFire(on, out var effects))
            return;
        if ((effects & GateEffects.ReportNotStarted) != 0)
            _held.ReportNotStarted(sink);
        if ((effects & GateEffects.ReportHeldClient) != 0)
            _held.Report(Direction.ClientToServer, sink);
        if ((effects & GateEffects.ReportHeldServer) != 0)
            _held.Report(Direction.ServerToClient, sink);
        if ((effects & GateEffects.DropHeldClient) != 0)
            _held.Drop(Direction.ClientToServer);
        if ((effects & GateEffects.DropHeldServer) != 0)
            _held.Drop(Direction.ServerToClient);
        if ((effects & GateEffects.ReplayHeldClient) != 0)
            ReplayHeldClient(sink);
    }

    private void ReplayHeldClient(IMailEventSink sink)
    {
        var replay = _held.TakeClient(out bool truncated);
        FeedCore(Direction.ClientToServer, replay, sink);
        if (truncated)
            OnGap(Direction.ClientToServer, sink);
    }

    /// <summary>Inflates and parses what arrived (<see cref="CompressedDirections"/>).</summary>
    private void Inflate(Direction direction, ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        if (!_compression.Add(direction, data))
            return;
        _compression.Inflating = true;
        try
        {
            while (_compression.TryNext(direction, sink, out var plain))
                FeedCore(direction, plain, sink);
        }
        finally
        {
            _compression.Inflating = false;
        }
    }
}
