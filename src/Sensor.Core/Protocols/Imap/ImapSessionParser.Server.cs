using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Imap;

/// <summary>The server side: greeting, untagged data, continuations and tagged completions.</summary>
public sealed partial class ImapSessionParser
{
    private long _serverLiteralRemaining;
    private bool _serverLineContinues;
    private bool _greetingSeen;

    protected override void ParseServer(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty && !Diverted(Direction.ServerToClient))
        {
            if (_serverLiteralRemaining > 0)
                LineFramer.TakeRaw(ref data, ref _serverLiteralRemaining); // FETCH BODY[] etc.: never read as responses
            else if (NextLine(_serverLines, Direction.ServerToClient, ref data, sink, ImapSyntax.LooksLikeResponse, out var line))
            {
                if (Speaks(Direction.ServerToClient, line, ImapSyntax.LooksLikeResponse, sink))
                    OnServerLine(line, sink);
            }
            else
                return;
        }
    }

    private void OnServerLine(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        var marker = ImapSyntax.LiteralAtEnd(line, out long count, out _, out int markerStart);
        bool continues = _serverLineContinues;
        _serverLineContinues = false;
        if (marker == LiteralMarker.Literal && count <= MaxLiteralBytes)
        {
            _serverLiteralRemaining = count;
            _serverLineContinues = true; // the line after the literal is the rest of this response
        }
        if (!continues)
            OnResponse(marker == LiteralMarker.Literal ? line[..markerStart] : line, sink);
    }

    private void OnResponse(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        if (!_greetingSeen)
        {
            _greetingSeen = true;
            if (line.StartsWith("* "u8))
            {
                OnGreeting(line, sink);
                return;
            }
        }
        if (line.StartsWith("+"u8))
            OnContinuation(line.Length > 2 ? line[2..] : default);
        else if (line.StartsWith("* "u8))
            OnUntagged(line[2..], sink);
        else
            OnTagged(line, sink);
    }

    /// <summary>RFC 3501 §7.1: "* OK", "* PREAUTH" or "* BYE", often with a [CAPABILITY ...] code.</summary>
    private static void OnGreeting(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        sink.Emit(new GreetingEvent(WireText.Escape(line), null));
        var status = Ascii.NextToken(line[2..], out var text);
        if (ImapSyntax.CapabilityCode(text) is { } capabilities)
            sink.Emit(new CapabilitiesEvent(capabilities, CapabilitySource.ImapGreeting));
        if (Ascii.EqualsIgnoreCase(status, "PREAUTH"))
            sink.Emit(new ProtocolAnomalyEvent(Direction.ServerToClient, AnomalyNames.PreauthGreeting, WireText.Escape(line)));
    }

    /// <summary>"+ text": a SASL challenge during AUTHENTICATE (RFC 3501 §7.5), else the go-ahead for a literal.</summary>
    private void OnContinuation(ReadOnlySpan<byte> text) => Auth?.OnChallenge(text);

    private static void OnUntagged(ReadOnlySpan<byte> rest, IMailEventSink sink)
    {
        var word = Ascii.NextToken(rest, out var text);
        if (Ascii.EqualsIgnoreCase(word, "CAPABILITY"))
            sink.Emit(new CapabilitiesEvent(ImapSyntax.Atoms(text), CapabilitySource.ImapCapability));
        else if (ImapSyntax.IsStatus(word) && ImapSyntax.CapabilityCode(text) is { } capabilities)
            sink.Emit(new CapabilitiesEvent(capabilities, CapabilitySource.ImapCapability));
    }

    private void OnTagged(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        var tag = Ascii.NextToken(line, out var rest);
        var status = Ascii.NextToken(rest, out var text);
        if (!ImapSyntax.IsStatus(status))
        {
            sink.Emit(new ProtocolAnomalyEvent(Direction.ServerToClient, AnomalyNames.MalformedReply, WireText.Escape(line)));
            return;
        }
        string word = Ascii.EqualsIgnoreCase(status, "OK") ? "OK" : Ascii.EqualsIgnoreCase(status, "NO") ? "NO" : "BAD";
        CancelRefusedLiteral(tag, word);
        if (ImapSyntax.CapabilityCode(text) is { } capabilities)
            sink.Emit(new CapabilitiesEvent(capabilities, CapabilitySource.ImapCapability));
        int index = FindPending(tag);
        if (index < 0)
            return;
        var kind = _pending[index].Kind;
        _pending.RemoveAt(index);
        Complete(kind, word, WireText.Escape(text), sink);
    }

    private int FindPending(ReadOnlySpan<byte> tag)
    {
        for (int i = 0; i < _pending.Count; i++)
        {
            if (tag.SequenceEqual(_pending[i].Tag))
                return i;
        }
        return -1;
    }

    private void Complete(Pending kind, string status, string text, IMailEventSink sink)
    {
        if (kind == Pending.StartTls)
        {
            StartTlsAnswered(status == "OK", status, text, sink);
            return;
        }
        if (kind is Pending.Compress or Pending.CompressOther)
        {
            if (status == "OK")
                CompressionStarted(kind == Pending.Compress, sink);
            return;
        }
        sink.Emit(new AuthResultEvent(status == "OK", status));
        if (kind == Pending.Authenticate)
            CloseAuth(sink);
    }

    /// <summary>A synchronizing literal refused before any of it was sent (RFC 3501 §7.5): the client will not send it.</summary>
    private void CancelRefusedLiteral(ReadOnlySpan<byte> tag, string status)
    {
        if (!_literalAwaitsGoAhead || status == "OK" || _command is null || !tag.SequenceEqual(_command.Tag))
            return;
        _literalRemaining = 0;
        _literalAwaitsGoAhead = false;
        DropLiteral();
        _command = null;
    }

    protected override void OnGap(Direction direction, IMailEventSink sink)
    {
        if (direction == Direction.ServerToClient)
        {
            _serverLines.Gap();
            _serverLiteralRemaining = 0;
            _serverLineContinues = false;
            _greetingSeen = true;
            sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.GapResync, "server"));
            return;
        }
        string detail = _literalRemaining > 0 ? "client in literal" : Auth is null ? "client" : "client in AUTHENTICATE";
        _clientLines.Gap();
        DropClientState(sink);
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.GapResync, detail));
    }

    private void DropClientState(IMailEventSink sink)
    {
        _literalRemaining = 0;
        _literalAwaitsGoAhead = false;
        DropLiteral();
        _command = null;
        CloseAuth(sink);
    }

    protected override void Reset()
    {
        _clientLines.Gap();
        _serverLines.Gap();
        _serverLiteralRemaining = 0;
        _serverLineContinues = false;
        _literalRemaining = 0;
        DropLiteral();
        _command = null;
        _pending.Clear();
    }
}
