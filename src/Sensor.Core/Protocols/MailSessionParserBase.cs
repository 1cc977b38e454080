using System.Runtime.CompilerServices;
using Sensor.Core.Protocols.Sasl;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols;

/// <summary>
/// What SMTP, IMAP and POP3 share: the STARTTLS gate and the switch to TLS, line framing after a
/// gap, and the one SASL exchange in progress. A protocol parser handles plaintext lines; this class
/// decides which bytes are plaintext at all.
/// <list type="bullet">
/// <item>After the client's STARTTLS line and before the server's answer, further client bytes are
/// held and reported as injected (CVE-2011-0411: a server that buffers them runs them after TLS).</item>
/// <item>After an accepted answer, server bytes before the client's first TLS record are injected
/// too (a buffered response accepted as post-TLS, Poddebniak et al. 2021).</item>
/// <item>The client's next bytes should be a TLS record; if they are plaintext, the upgrade did
/// not happen (TlsNotStartedEvent) and parsing goes on, so a later AUTH in the clear is seen.</item>
/// <item>From the first TLS record on, both directions go to <see cref="TlsStreamParser"/> and
/// nothing is parsed as mail again.</item>
/// <item>After an accepted compression (IMAP COMPRESS=DEFLATE, RFC 4978) each direction is
/// inflated (<see cref="StreamInflater"/>) before it is parsed: compressed is still cleartext.</item>
/// <item>A direction whose first line does not open a mail dialogue (an HTTP request sent to port 25,
/// a service that is not the protocol's) is not read at all (<see cref="Speaks"/>): a STARTTLS line in
/// an HTTP body is not a command. A server that does not speak the protocol makes the whole flow unread.</item>
/// </list>
/// No exception escapes Feed, Gap or End: a throw is a bug, reported as <see cref="AnomalyNames.ParserFault"/>.
/// </summary>
public abstract class MailSessionParserBase : IMailSessionParser
{
    private enum Upgrade : byte { None, AwaitingReply, AwaitingClientTls, ClientNotTls, Tls }

    private enum Dialogue : byte { Undecided, Mail, NotMail }

    private const int NotTlsPreviewBytes = 64;

    // Created on the first TLS byte of their direction: most sessions never get there (per-session cost, bench/README.md).
    private TlsStreamParser? _clientTls;
    private TlsStreamParser? _serverTls;
    private readonly HeldBytes _heldClient;
    private readonly HeldBytes _heldServer;
    private Upgrade _upgrade;
    private Dialogue _client, _server;
    // Null while the direction is not compressed (nearly always): made only by CompressionStarted.
    private Inflation? _clientInflation, _serverInflation;
    private bool _inflating; // the bytes being parsed now are already inflated

    /// <summary>A compressed direction: its inflater, or null once it was lost (then its bytes are dropped).</summary>
    private sealed class Inflation(StreamInflater? inflater)
    {
        public StreamInflater? Inflater { get; set; } = inflater;
    }

    /// <summary>Called for every line taken after a gap: true when it plainly starts a protocol line.</summary>
    protected delegate bool LineStartTest(ReadOnlySpan<byte> line);

    protected MailSessionParserBase(bool implicitTls, BufferBudget? budget)
    {
        _upgrade = implicitTls ? Upgrade.Tls : Upgrade.None;
        Budget = budget ?? BufferBudget.Unlimited;
        _heldClient = new HeldBytes(budget: Budget);
        _heldServer = new HeldBytes(budget: Budget);
    }

    /// <summary>Where the parser's line, literal and TLS buffers reserve what they hold past their free size.</summary>
    protected BufferBudget Budget { get; }

    public abstract MailProtocol Protocol { get; }

    public bool InTls => _upgrade == Upgrade.Tls;

    /// <summary>The SASL exchange in progress (SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH), if any.</summary>
    private protected SaslExchange? Auth { get; private set; }

    /// <summary>
    /// True when this direction's bytes no longer go to the protocol parser: the client's from its
    /// STARTTLS line on, the server's from an accepting answer on. A parser stops its loop when it turns true.
    /// </summary>
    protected bool Diverted(Direction direction) => (!_inflating && InflationFor(direction) is not null)
        || DialogueOf(direction) == Dialogue.NotMail
        || (direction == Direction.ClientToServer
            ? _upgrade != Upgrade.None
            : _upgrade is Upgrade.AwaitingClientTls or Upgrade.ClientNotTls or Upgrade.Tls);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Feed(Direction direction, ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        try
        {
            FeedCore(direction, data, sink);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fault(direction, e, sink);
        }
    }

    public void Gap(Direction direction, IMailEventSink sink)
    {
        try
        {
            if (DialogueOf(direction) == Dialogue.Undecided)
                SetDialogue(direction, Dialogue.Mail); // picked up after a hole: the first line seen is not the first sent
            if (_upgrade == Upgrade.Tls)
                TlsFor(direction).Gap(sink);
            else if (InflationFor(direction) is null)
                OnGap(direction, sink);
            else if (InflationFor(direction) is { Inflater: not null } inflation)
                LoseInflation(inflation, direction, "bytes lost", sink); // the window went with them
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fault(direction, e, sink);
        }
    }

    public void End(IMailEventSink sink)
    {
        try
        {
            FlushUpgrade(sink);
            CloseAuth(sink); // an AUTH LOGIN cut short still names its user
            _clientTls?.End();
            _serverTls?.End();
            EndInflation();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fault(Direction.ClientToServer, e, sink);
        }
    }

    /// <summary>The session is over: partial state is dropped and every buffer's reservation given back (Reset lets the line buffers go).</summary>
    public void ReleaseBuffers()
    {
        _clientTls?.End();
        _serverTls?.End();
        _heldClient.Clear();
        _heldServer.Clear();
        EndInflation();
        Reset();
    }

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
    private protected SaslExchange StartAuth(string mechanism, string variantPrefix, IMailEventSink sink)
    {
        CloseAuth(sink);
        return Auth = SaslExchange.Start(mechanism, variantPrefix);
    }

    /// <summary>The exchange is over (final reply, gap, end of flow): what it saw is reported, and it is dropped.</summary>
    protected void CloseAuth(IMailEventSink sink)
    {
        Auth?.Close(sink);
        Auth = null;
    }

    /// <summary>False when no whole line is available; an over-long line is reported and skipped.</summary>
    protected static bool NextLine(LineFramer framer, Direction direction, ref ReadOnlySpan<byte> data, IMailEventSink sink, out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var status = framer.TryReadLine(ref data, out line);
            if (status == FrameStatus.Line)
                return true;
            if (status == FrameStatus.NeedMore)
                return false;
            sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.LineTooLong,
                framer.BudgetRefused ? "over the buffer budget" : $"over {framer.MaxLineBytes} bytes"));
        }
    }

    /// <summary>
    /// <see cref="NextLine(LineFramer, Direction, ref ReadOnlySpan{byte}, IMailEventSink, out ReadOnlySpan{byte})"/>,
    /// skipping the first line after a gap unless <paramref name="looksLikeStart"/> says it starts a protocol line.
    /// </summary>
    protected static bool NextLine(LineFramer framer, Direction direction, ref ReadOnlySpan<byte> data, IMailEventSink sink, LineStartTest looksLikeStart, out ReadOnlySpan<byte> line)
    {
        while (NextLine(framer, direction, ref data, sink, out line))
        {
            if (!framer.TakeGapFlag() || looksLikeStart(line))
                return true;
        }
        return false;
    }

    /// <summary>The first line after a gap is kept only if it plainly starts a protocol line (else it is the tail of a lost one).</summary>
    protected static bool KeepAfterGap(LineFramer framer, ReadOnlySpan<byte> line, bool looksLikeStart) =>
        !framer.TakeGapFlag() || looksLikeStart;

    /// <summary>
    /// True when a line of this direction is to be parsed. The first line of each direction decides
    /// whether it speaks the protocol at all (<paramref name="opensDialogue"/>: a command the protocol
    /// knows, or the protocol's greeting or reply); if it does not, the direction is named in an
    /// anomaly and nothing of it is read again, and a server that does not speak the protocol leaves
    /// nothing of the flow to read. A receiving stack does the same: Postfix hangs up on a first
    /// command of GET, POST or CONNECT (smtpd_forbidden_commands), so a later line is no command.
    /// </summary>
    protected bool Speaks(Direction direction, ReadOnlySpan<byte> line, LineStartTest opensDialogue, IMailEventSink sink)
    {
        var dialogue = DialogueOf(direction);
        if (dialogue != Dialogue.Undecided)
            return dialogue == Dialogue.Mail;
        if (opensDialogue(line))
        {
            SetDialogue(direction, Dialogue.Mail);
            return true;
        }
        bool client = direction == Direction.ClientToServer;
        sink.Emit(new ProtocolAnomalyEvent(direction, client ? AnomalyNames.NotMailClient : AnomalyNames.NotMailServer,
            WireText.Escape(line[..Math.Min(line.Length, NotMailPreviewBytes)])));
        SetDialogue(direction, Dialogue.NotMail);
        if (!client)
        {
            SetDialogue(Direction.ClientToServer, Dialogue.NotMail);
            _heldClient.Clear(); // what the client sent is no command either: nothing was injected
            _upgrade = Upgrade.None;
        }
        return false;
    }

    private const int NotMailPreviewBytes = 32;

    private Dialogue DialogueOf(Direction direction) => direction == Direction.ClientToServer ? _client : _server;

    private void SetDialogue(Direction direction, Dialogue dialogue)
    {
        if (direction == Direction.ClientToServer)
            _client = dialogue;
        else
            _server = dialogue;
    }

    /// <summary>The client sent STARTTLS/STLS: from now its bytes are held until the server answers.</summary>
    protected void StartTlsRequested(IMailEventSink sink)
    {
        sink.Emit(new StartTlsCommandEvent());
        if (_upgrade == Upgrade.None)
            _upgrade = Upgrade.AwaitingReply;
    }

    /// <summary>The server answered STARTTLS/STLS.</summary>
    protected void StartTlsAnswered(bool accepted, string status, string text, IMailEventSink sink)
    {
        sink.Emit(new StartTlsReplyEvent(accepted, status, text));
        if (_upgrade != Upgrade.AwaitingReply)
            return;
        FlushInjected(Direction.ClientToServer, _heldClient, sink);
        if (accepted)
        {
            _heldClient.Clear();
            _upgrade = Upgrade.AwaitingClientTls;
            return;
        }
        // Refused: the client's pipelined bytes were ordinary plaintext after all; parse them.
        _upgrade = Upgrade.None;
        ReplayHeldClient(sink);
    }

    /// <summary>
    /// Both sides compress from here (RFC 4978 §3: the server right after its OK, the client once it
    /// has read it). Only DEFLATE is defined; another mechanism, or no budget for the inflaters,
    /// leaves both directions unreadable.
    /// </summary>
    protected void CompressionStarted(bool deflate, IMailEventSink sink)
    {
        foreach (var direction in (ReadOnlySpan<Direction>)[Direction.ClientToServer, Direction.ServerToClient])
        {
            if (InflationFor(direction) is not null)
                continue;
            var inflation = new Inflation(null);
            if (direction == Direction.ClientToServer)
                _clientInflation = inflation;
            else
                _serverInflation = inflation;
            if (!deflate)
                sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, "not DEFLATE"));
            else if (!Budget.TryReserve(StreamInflater.ReservedBytes))
                sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, "over the buffer budget"));
            else
                inflation.Inflater = new StreamInflater();
        }
    }

    /// <summary>Inflates and parses what arrived; a corrupt stream is lost for good (its window cannot be rebuilt).</summary>
    private void Inflate(Direction direction, Inflation inflation, ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        if (inflation.Inflater is not { } inflater)
            return;
        inflater.Add(data);
        _inflating = true;
        try
        {
            while (inflation.Inflater is not null)
            {
                ReadOnlySpan<byte> plain;
                try
                {
                    plain = inflater.Next();
                }
                catch (InvalidDataException)
                {
                    LoseInflation(inflation, direction, "corrupt DEFLATE data", sink);
                    return;
                }
                if (plain.IsEmpty)
                    return;
                FeedCore(direction, plain, sink);
            }
        }
        finally
        {
            _inflating = false;
        }
    }

    private void LoseInflation(Inflation inflation, Direction direction, string why, IMailEventSink sink)
    {
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, why));
        ReleaseInflater(inflation);
    }

    private void ReleaseInflater(Inflation inflation)
    {
        if (inflation.Inflater is null)
            return;
        inflation.Inflater.Dispose();
        inflation.Inflater = null;
        Budget.Release(StreamInflater.ReservedBytes);
    }

    private Inflation? InflationFor(Direction direction) =>
        direction == Direction.ClientToServer ? _clientInflation : _serverInflation;

    private void EndInflation()
    {
        if (_clientInflation is not null)
            ReleaseInflater(_clientInflation);
        if (_serverInflation is not null)
            ReleaseInflater(_serverInflation);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FeedCore(Direction direction, ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty)
        {
            if (!_inflating && InflationFor(direction) is { } inflation)
            {
                Inflate(direction, inflation, data, sink);
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

    /// <summary>Routes bytes the upgrade owns; true when it changed state and the loop should look again.</summary>
    private bool Divert(Direction direction, ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        bool client = direction == Direction.ClientToServer;
        if (DialogueOf(direction) == Dialogue.NotMail)
        {
            data = default; // not a mail dialogue: nothing of this direction is read
            return false;
        }
        switch (_upgrade)
        {
            case Upgrade.Tls:
                TlsFor(direction).Feed(data, sink);
                data = default;
                return false;
            case Upgrade.AwaitingReply when client:
                _heldClient.Add(data);
                data = default;
                return false;
            case Upgrade.AwaitingClientTls when !client:
            case Upgrade.ClientNotTls when !client:
                _heldServer.Add(data);
                data = default;
                return false;
            case Upgrade.AwaitingClientTls:
                return ClientFirstBytes(data, sink);
            case Upgrade.ClientNotTls:
                return CollectNotTls(ref data, sink);
            default:
                return false;
        }
    }

    private bool ClientFirstBytes(ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        if (TlsStreamParser.LooksLikeTlsStart(data[0]))
        {
            FlushInjected(Direction.ServerToClient, _heldServer, sink);
            _heldServer.Clear();
            _upgrade = Upgrade.Tls;
        }
        else
            _upgrade = Upgrade.ClientNotTls;
        return true;
    }

    /// <summary>Plaintext after an accepted STARTTLS: hold a line's worth for the preview (so the event is the same however the input is split), then parse it.</summary>
    private bool CollectNotTls(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        int lf = data.IndexOf((byte)'\n');
        int need = NotTlsPreviewBytes - (int)_heldClient.Count;
        bool lineDone = lf >= 0 && lf < need;
        int take = lineDone ? lf + 1 : Math.Min(data.Length, need);
        _heldClient.Add(data[..take]);
        data = data[take..];
        if (!lineDone && _heldClient.Count < NotTlsPreviewBytes)
            return false;
        EmitNotTls(sink);
        ReplayHeldClient(sink);
        return true;
    }

    private void EmitNotTls(IMailEventSink sink)
    {
        var kept = _heldClient.Kept;
        int lf = kept.IndexOf((byte)'\n');
        var line = lf >= 0 ? kept[..lf].TrimEnd((byte)'\r') : kept;
        sink.Emit(new TlsNotStartedEvent(Direction.ClientToServer, WireText.Escape(line)));
        FlushInjected(Direction.ServerToClient, _heldServer, sink);
        _heldServer.Clear();
        _upgrade = Upgrade.None;
    }

    private void ReplayHeldClient(IMailEventSink sink)
    {
        var replay = _heldClient.Kept.ToArray();
        bool truncated = _heldClient.Truncated;
        _heldClient.Clear();
        FeedCore(Direction.ClientToServer, replay, sink);
        if (truncated)
            OnGap(Direction.ClientToServer, sink);
    }

    private static void FlushInjected(Direction direction, HeldBytes held, IMailEventSink sink)
    {
        if (held.Count > 0)
            sink.Emit(new InjectedBytesEvent(direction, (int)Math.Min(held.Count, int.MaxValue), held.Preview()));
    }

    private void FlushUpgrade(IMailEventSink sink)
    {
        switch (_upgrade)
        {
            case Upgrade.AwaitingReply:
                FlushInjected(Direction.ClientToServer, _heldClient, sink);
                break;
            case Upgrade.AwaitingClientTls:
                FlushInjected(Direction.ServerToClient, _heldServer, sink);
                break;
            case Upgrade.ClientNotTls:
                EmitNotTls(sink);
                ReplayHeldClient(sink);
                break;
        }
        _heldClient.Clear();
        _heldServer.Clear();
    }

    private TlsStreamParser TlsFor(Direction direction) => direction == Direction.ClientToServer
        ? _clientTls ??= new TlsStreamParser(Direction.ClientToServer, budget: Budget)
        : _serverTls ??= new TlsStreamParser(Direction.ServerToClient, budget: Budget);

    private void Fault(Direction direction, Exception e, IMailEventSink sink)
    {
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.ParserFault, e.GetType().Name));
        Auth = null;
        try
        {
            Reset();
        }
        catch (Exception)
        {
            // Reset must not throw; if it does, the parser stays as it is and carries on.
        }
    }
}
