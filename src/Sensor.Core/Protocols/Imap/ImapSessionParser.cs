using Sensor.Core.Protocols.Sasl;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Imap;

/// <summary>
/// IMAP (RFC 3501, RFC 9051) with STARTTLS (RFC 2595), SASL-IR (RFC 4959), LITERAL+ (RFC 7888)
/// and COMPRESS=DEFLATE (RFC 4978: both directions are inflated and read on).
/// Tagged replies are matched by tag; literals are followed in both directions so their bytes are
/// never read as commands or responses. Literals are buffered only for LOGIN and AUTHENTICATE
/// (bounded by <see cref="MaxBufferedLiteralBytes"/>); all others are skipped by counting.
/// </summary>
public sealed partial class ImapSessionParser : MailSessionParserBase
{
    /// <summary>RFC 7162 §4 recommends clients keep command lines under 8192 octets.</summary>
    public const int DefaultMaxClientLineBytes = 8192;
    /// <summary>Server lines carry ENVELOPE and BODYSTRUCTURE data; they get more room.</summary>
    public const int DefaultMaxServerLineBytes = 64 * 1024;
    public const int DefaultMaxBufferedLiteralBytes = 8192;
    /// <summary>A literal count past this is not believed (a hostile count would swallow the stream).</summary>
    public const long DefaultMaxLiteralBytes = 1L << 32;
    private const int MaxPendingTags = 64;

    private enum Pending : byte { StartTls, Login, Authenticate, Compress, CompressOther }

    private sealed class Command(byte[] tag, string verb, bool keepArguments)
    {
        public byte[] Tag { get; } = tag;
        public string Verb { get; } = verb;
        public bool KeepArguments { get; } = keepArguments;
        public List<byte[]?> Arguments { get; } = [];
    }

    private readonly LineFramer _clientLines;
    private readonly LineFramer _serverLines;
    private readonly List<(byte[] Tag, Pending Kind)> _pending = [];
    private Command? _command;
    private long _literalRemaining;
    private List<byte>? _literal;
    private int _literalReserved;
    private bool _literalAwaitsGoAhead;

    /// <param name="budget">what the line, literal and TLS buffers may hold past their free size; null: unlimited</param>
    public ImapSessionParser(bool implicitTls = false, BufferBudget? budget = null) : base(implicitTls, budget)
    {
        _clientLines = new LineFramer(DefaultMaxClientLineBytes, Budget);
        _serverLines = new LineFramer(DefaultMaxServerLineBytes, Budget);
    }

    public override MailProtocol Protocol => MailProtocol.Imap;

    public int MaxBufferedLiteralBytes { get; init; } = DefaultMaxBufferedLiteralBytes;

    public long MaxLiteralBytes { get; init; } = DefaultMaxLiteralBytes;

    protected override void ParseClient(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty && !Diverted(Direction.ClientToServer))
        {
            if (_literalRemaining > 0)
                ConsumeLiteral(ref data);
            else if (NextLine(_clientLines, Direction.ClientToServer, ref data, sink, ImapSyntax.LooksLikeCommand, out var line))
            {
                if (Speaks(Direction.ClientToServer, line, ImapSyntax.OpensCommand, sink))
                    OnClientLine(line, sink);
            }
            else
                return;
        }
    }

    private void OnClientLine(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        if (_command is null && Auth is { WantsClientLine: true } auth)
        {
            auth.OnResponse(line, sink);
            return;
        }
        if (_command is null && !StartCommand(ref line, sink))
            return;
        ContinueCommand(line, sink);
    }

    /// <summary>
    /// Reads tag and verb. The common command (FETCH, SELECT, ...) with no literal costs nothing:
    /// a command record is made only for the verbs Sensor reads or when a literal must be followed.
    /// </summary>
    private bool StartCommand(ref ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        var tag = Ascii.NextToken(line, out var rest);
        var verb = Ascii.NextToken(rest, out var arguments);
        bool keep = Ascii.EqualsIgnoreCase(verb, "LOGIN") || Ascii.EqualsIgnoreCase(verb, "AUTHENTICATE")
            || Ascii.EqualsIgnoreCase(verb, "COMPRESS");
        bool tracked = keep || Ascii.EqualsIgnoreCase(verb, "STARTTLS");
        if (!tracked && ImapSyntax.LiteralAtEnd(arguments, out _, out _, out _) == LiteralMarker.None)
        {
            if (!verb.IsEmpty && !ImapSyntax.IsKnownVerb(verb))
                sink.Emit(new UnknownCommandEvent(WireText.Escape(verb)));
            return false;
        }
        _command = new Command(tag.ToArray(), tracked ? Ascii.Upper(verb) : "", keep);
        line = arguments;
        return true;
    }

    /// <summary>One line of a command: its arguments, then either a literal announced at its end or the end of the command.</summary>
    private void ContinueCommand(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        var command = _command!;
        var marker = ImapSyntax.LiteralAtEnd(line, out long count, out bool nonSync, out int markerStart);
        if (command.KeepArguments)
            ImapSyntax.Tokenize(line[..markerStart], command.Arguments);
        if (marker == LiteralMarker.Literal && count <= MaxLiteralBytes)
        {
            BeginLiteral(command, count, nonSync, sink);
            return;
        }
        if (marker != LiteralMarker.None)
            sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.BadLiteral, WireText.Escape(line[markerStart..])));
        _command = null;
        CompleteCommand(command, sink);
    }

    private void BeginLiteral(Command command, long count, bool nonSync, IMailEventSink sink)
    {
        _literalRemaining = count;
        _literalAwaitsGoAhead = !nonSync;
        DropLiteral();
        if (command.KeepArguments && count <= MaxBufferedLiteralBytes && Budget.TryReserve(count))
        {
            _literal = new List<byte>((int)count);
            _literalReserved = (int)count;
        }
        else if (command.KeepArguments)
        {
            command.Arguments.Add(null);
            sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.LiteralTooLarge, $"{command.Verb} literal of {count} bytes"));
        }
        if (count == 0)
            EndLiteral();
    }

    private void ConsumeLiteral(ref ReadOnlySpan<byte> data)
    {
        var chunk = LineFramer.TakeRaw(ref data, ref _literalRemaining);
        _literalAwaitsGoAhead = false;
        foreach (byte b in chunk)
            _literal?.Add(b);
        if (_literalRemaining == 0)
            EndLiteral();
    }

    /// <summary>The literal is a whole argument; the command goes on with the next line (RFC 3501 §4.3).</summary>
    private void EndLiteral()
    {
        if (_literal is not null)
            _command?.Arguments.Add(_literal.ToArray());
        DropLiteral();
    }

    /// <summary>Lets go of the buffered literal and gives its reservation back.</summary>
    private void DropLiteral()
    {
        _literal = null;
        Budget.Release(_literalReserved);
        _literalReserved = 0;
    }

    private void CompleteCommand(Command command, IMailEventSink sink)
    {
        switch (command.Verb)
        {
            case "LOGIN":
                Login(command, sink);
                break;
            case "AUTHENTICATE":
                Authenticate(command, sink);
                break;
            case "STARTTLS":
                Track(command.Tag, Pending.StartTls, sink);
                StartTlsRequested(sink);
                break;
            case "COMPRESS": // RFC 4978 §3: COMPRESS mechanism; DEFLATE is the only one defined
                bool deflate = command.Arguments is [{ } mechanism, ..] && Ascii.EqualsIgnoreCase(mechanism, "DEFLATE");
                Track(command.Tag, deflate ? Pending.Compress : Pending.CompressOther, sink);
                break;
        }
    }

    /// <summary>RFC 3501 §6.2.3: LOGIN userid password, each an atom, a quoted string or a literal.</summary>
    private void Login(Command command, IMailEventSink sink)
    {
        Track(command.Tag, Pending.Login, sink);
        if (command.Arguments.Count < 2)
        {
            sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.MalformedCommand, "LOGIN without user and password"));
            return;
        }
        sink.Emit(CredentialEvent.Of("LOGIN", CredentialVariants.ImapLogin, CredentialKind.Reusable,
            Text(command.Arguments[0]), Text(command.Arguments[1])));
    }

    /// <summary>RFC 3501 §6.2.2: AUTHENTICATE mechanism, with an initial response when SASL-IR is used (RFC 4959 §3).</summary>
    private void Authenticate(Command command, IMailEventSink sink)
    {
        Track(command.Tag, Pending.Authenticate, sink);
        if (command.Arguments.Count == 0 || command.Arguments[0] is not { } mechanism)
        {
            CloseAuth(sink);
            sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.MalformedCommand, "AUTHENTICATE without mechanism"));
            return;
        }
        var auth = StartAuth(Ascii.Upper(mechanism), CredentialVariants.ImapSaslPrefix, sink);
        if (command.Arguments.Count > 1 && command.Arguments[1] is { } initial)
            auth.OnInitialResponse(initial, sink);
    }

    /// <summary>An argument as sent, quoting undone (RFC 3501 §4.3: "\\" is one backslash), UTF-8 where valid (RFC 6855).</summary>
    private static ExactText? Text(byte[]? value) => value is null ? null : ExactText.From(value);

    private void Track(byte[] tag, Pending kind, IMailEventSink sink)
    {
        if (_pending.Count >= MaxPendingTags)
        {
            _pending.RemoveAt(0);
            PendingDrop.Report(sink, MaxPendingTags);
        }
        _pending.Add((tag, kind));
    }
}
