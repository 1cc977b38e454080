using Sensor.Core.Protocols.Sasl;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Pop3;

/// <summary>
/// POP3 (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595) and AUTH (RFC 5034). Responses come in
/// command order; multi-line responses (RETR, TOP, LIST, UIDL, CAPA) are followed to their "." line
/// without allocation, so a message holding "+OK" lines is never read as responses.
/// </summary>
public sealed partial class Pop3SessionParser : MailSessionParserBase
{
    public const int DefaultMaxPendingCommands = 256;

    private enum ServerMode : byte { Responses, CapaList, Body }

    private readonly LineFramer _clientLines;
    private readonly LineFramer _serverLines;
    private readonly PendingQueue<Pop3Command> _pending = new(DefaultMaxPendingCommands);
    private readonly List<string> _capabilities = [];
    private ServerMode _mode;
    private DotBodyScanner _body;
    private string? _timestamp;
    private ExactText? _user;

    public Pop3SessionParser(bool implicitTls = false, BufferBudget? budget = null) : base(implicitTls, budget)
    {
        _clientLines = new LineFramer(budget: Budget);
        _serverLines = new LineFramer(budget: Budget);
        _pending.Enqueue(Pop3Command.Greeting);
    }

    public override MailProtocol Protocol => MailProtocol.Pop3;

    protected override void ParseClient(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty && !Diverted(Direction.ClientToServer)
            && NextLine(_clientLines, Direction.ClientToServer, ref data, sink, Pop3Verbs.LooksLikeCommand, out var line))
        {
            if (Speaks(Direction.ClientToServer, line, Pop3Verbs.LooksLikeCommand, sink))
                OnClientLine(line, sink);
        }
    }

    private void OnClientLine(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        if (Auth is { WantsClientLine: true } auth)
        {
            auth.OnResponse(line, sink);
            return;
        }
        var command = Pop3Verbs.Classify(Ascii.NextToken(line, out var args), !args.IsEmpty);
        _pending.Enqueue(command, sink);
        switch (command)
        {
            case Pop3Command.User:
                _user = ExactText.From(args);
                break;
            case Pop3Command.Pass:
                // RFC 1939 §7: PASS takes the rest of the line; a password may hold spaces.
                sink.Emit(CredentialEvent.Of("USER", CredentialVariants.Pop3UserPass, CredentialKind.Reusable, _user, ExactText.From(args)));
                break;
            case Pop3Command.Apop:
                Apop(args, sink);
                break;
            case Pop3Command.Auth:
                BeginAuth(args, sink);
                break;
            case Pop3Command.Stls:
                StartTlsRequested(sink);
                break;
            case Pop3Command.Other when !Pop3Verbs.LooksLikeCommand(line):
                sink.Emit(new UnknownCommandEvent(WireText.Escape(Ascii.NextToken(line, out _))));
                break;
        }
    }

    /// <summary>
    /// RFC 1939 §7: APOP name digest, digest = MD5(timestamp + secret). Secret material is
    /// "timestamp:digest" (the greeting's timestamp, empty when none was seen).
    /// </summary>
    private void Apop(ReadOnlySpan<byte> args, IMailEventSink sink)
    {
        var name = Ascii.NextToken(args, out var rest);
        var digest = Ascii.NextToken(rest, out _);
        if (digest.IsEmpty)
        {
            sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.MalformedCommand, "APOP without digest"));
            return;
        }
        sink.Emit(CredentialEvent.Of("APOP", CredentialVariants.Pop3Apop, CredentialKind.Crackable, ExactText.From(name), ExactText.Of($"{_timestamp}:{WireText.Escape(digest)}")));
    }

    /// <summary>RFC 5034 §4: AUTH mechanism [initial-response].</summary>
    private void BeginAuth(ReadOnlySpan<byte> args, IMailEventSink sink)
    {
        var mechanism = Ascii.NextToken(args, out var initial);
        var auth = StartAuth(Ascii.Upper(mechanism), CredentialVariants.Pop3SaslPrefix, sink);
        if (!initial.IsEmpty)
            auth.OnInitialResponse(initial, sink);
    }
}
