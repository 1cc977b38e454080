using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Smtp;

/// <summary>
/// SMTP (RFC 5321) with STARTTLS (RFC 3207), AUTH (RFC 4954), PIPELINING (RFC 2920) and CHUNKING
/// (RFC 3030). Replies arrive in command order (RFC 2920 §3.1), so a FIFO of pending commands
/// matches each reply to its command however many the client pipelined.
/// </summary>
public sealed partial class SmtpSessionParser : MailSessionParserBase
{
    /// <summary>Cap on commands waiting for replies; past it the oldest is dropped and counted.</summary>
    public const int DefaultMaxPendingCommands = 256;

    private enum ClientMode : byte { Commands, Body, Bdat }

    private readonly LineFramer _clientLines;
    private readonly LineFramer _serverLines;
    private readonly PendingQueue<SmtpCommand> _pending;
    private readonly SmtpReplyCollector _reply = new();
    private ClientMode _mode;
    private DotBodyScanner _body;
    private long _bdatRemaining, _bdatBytes;
    private bool _bdatLast, _dataAccepted;
    private int _recipients;
    private int _openReplyCode; // code of a multi-line reply whose last line has not come yet, else 0

    public SmtpSessionParser(bool implicitTls = false, int maxLineBytes = LineFramer.DefaultMaxLineBytes, int maxPendingCommands = DefaultMaxPendingCommands,
        BufferBudget? budget = null)
        : base(implicitTls, budget)
    {
        _clientLines = new LineFramer(maxLineBytes, Budget);
        _serverLines = new LineFramer(maxLineBytes, Budget);
        _pending = new PendingQueue<SmtpCommand>(maxPendingCommands);
        _pending.Enqueue(SmtpCommand.Greeting);
    }

    public override MailProtocol Protocol => MailProtocol.Smtp;

    protected override void ParseClient(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty && !Diverted(Direction.ClientToServer))
        {
            if (_mode == ClientMode.Bdat)
                ConsumeBdat(ref data, sink);
            else if (_mode == ClientMode.Body)
                ConsumeBody(ref data, sink);
            else if (NextLine(_clientLines, Direction.ClientToServer, ref data, sink, SmtpVerbs.LooksLikeCommand, out var line))
            {
                if (Speaks(Direction.ClientToServer, line, SmtpVerbs.LooksLikeCommand, sink))
                    OnClientLine(line, sink);
            }
            else
                return;
        }
    }

    protected override void ParseServer(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty && !Diverted(Direction.ServerToClient)
            && NextLine(_serverLines, Direction.ServerToClient, ref data, sink, SmtpReplyLine.LooksLikeReply, out var line))
        {
            if (Speaks(Direction.ServerToClient, line, SmtpReplyLine.LooksLikeReply, sink))
                OnServerLine(line, sink);
        }
    }

    private void OnClientLine(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        if (Auth is { WantsClientLine: true } auth)
        {
            auth.OnResponse(line, sink);
            return;
        }
        var verb = Ascii.NextToken(line, out var args);
        var command = SmtpVerbs.Classify(verb);
        _pending.Enqueue(command, sink);
        switch (command)
        {
            case SmtpCommand.Ehlo or SmtpCommand.Helo:
                sink.Emit(new HeloEvent(Ascii.Upper(verb), WireText.Escape(args)));
                break;
            case SmtpCommand.StartTls:
                StartTlsRequested(sink);
                break;
            case SmtpCommand.Auth:
                BeginAuth(args, sink);
                break;
            case SmtpCommand.Mail:
                ResetTransaction();
                sink.Emit(new MailTransactionEvent());
                break;
            case SmtpCommand.Rcpt:
                _recipients++; // counted as sent: with CHUNKING the body may end before the RCPT replies arrive
                break;
            case SmtpCommand.Rset:
                ResetTransaction();
                break;
            case SmtpCommand.Bdat:
                BeginBdat(args, sink);
                break;
            case SmtpCommand.Other when !SmtpVerbs.LooksLikeCommand(verb):
                sink.Emit(new UnknownCommandEvent(WireText.Escape(verb)));
                break;
        }
    }

    /// <summary>RFC 4954 §4: AUTH mechanism [initial-response].</summary>
    private void BeginAuth(ReadOnlySpan<byte> args, IMailEventSink sink)
    {
        var mechanism = Ascii.NextToken(args, out var initial);
        if (mechanism.IsEmpty)
        {
            CloseAuth(sink);
            sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.MalformedCommand, "AUTH without mechanism"));
            return;
        }
        var auth = StartAuth(Ascii.Upper(mechanism), CredentialVariants.SmtpSaslPrefix, sink);
        if (!initial.IsEmpty)
            auth.OnInitialResponse(initial, sink);
    }

    private void ResetTransaction()
    {
        _recipients = 0;
        _bdatBytes = 0;
    }

    private void EndMessage(long bytes, IMailEventSink sink)
    {
        sink.Emit(new MessageEvent(bytes, _recipients));
        ResetTransaction();
    }

    /// <summary>RFC 5321 §4.5.2: the body ends at CRLF "." CRLF; its lines are never parsed as commands.</summary>
    private void ConsumeBody(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        if (!_body.Scan(ref data))
            return;
        _mode = ClientMode.Commands;
        EndMessage(_body.Bytes, sink);
    }

    /// <summary>RFC 3030 §2: BDAT size [LAST]; exactly size octets follow the command line.</summary>
    private void BeginBdat(ReadOnlySpan<byte> args, IMailEventSink sink)
    {
        var size = Ascii.NextToken(args, out var rest);
        if (!Ascii.TryParseCount(size, out long count))
        {
            sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.BadBdat, WireText.Escape(args)));
            return;
        }
        _bdatRemaining = count;
        _bdatLast = Ascii.EqualsIgnoreCase(Ascii.NextToken(rest, out _), "LAST");
        _mode = ClientMode.Bdat;
        if (count == 0)
            FinishChunk(sink);
    }

    private void ConsumeBdat(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        _bdatBytes += LineFramer.TakeRaw(ref data, ref _bdatRemaining).Length;
        if (_bdatRemaining == 0)
            FinishChunk(sink);
    }

    private void FinishChunk(IMailEventSink sink)
    {
        _mode = ClientMode.Commands;
        if (_bdatLast)
            EndMessage(_bdatBytes, sink);
    }
}
