using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Smtp;

/// <summary>The server side: replies matched to the pending commands in order.</summary>
public sealed partial class SmtpSessionParser
{
    private const int ReplyGoAhead = 220, ReplyAuthOk = 235, ReplyOk = 250, ReplyAuthContinue = 334, ReplyStartData = 354;

    private void OnServerLine(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        if (!SmtpReplyLine.TryParse(line, out var reply))
        {
            sink.Emit(new ProtocolAnomalyEvent(Direction.ServerToClient, AnomalyNames.MalformedReply, WireText.Escape(line)));
            return;
        }
        if (_openReplyCode != 0 && reply.Code != _openReplyCode)
            EndCutShortReply(sink);
        if (_pending.Count == 0)
            return; // unsolicited (e.g. 421 on timeout): nothing to match
        var command = _pending.Peek();
        if (command is SmtpCommand.Greeting or SmtpCommand.Ehlo or SmtpCommand.StartTls)
            _reply.Add(line, reply, isGreeting: command == SmtpCommand.Greeting);
        if (reply.More)
        {
            _openReplyCode = reply.Code;
            return;
        }
        _openReplyCode = 0;
        OnReply(command, reply.Code, reply.Text, sink);
        _reply.Clear();
    }

    /// <summary>
    /// RFC 5321 §4.2.1: every line of a multi-line reply has the same code, so a line with another
    /// code means the open reply was cut short and this line starts the next one. Postfix's
    /// postscreen does that: a client that talks before the greeting is over never gets the final
    /// "220 " line, only the "220-" one and then the reply to its EHLO.
    /// </summary>
    private void EndCutShortReply(IMailEventSink sink)
    {
        int code = _openReplyCode;
        _openReplyCode = 0;
        sink.Emit(new ProtocolAnomalyEvent(Direction.ServerToClient, AnomalyNames.UnterminatedReply, $"{Code(code)}- reply without its last line"));
        if (_pending.Count > 0)
            OnReply(_pending.Peek(), code, [], sink);
        _reply.Clear();
    }

    private void OnReply(SmtpCommand command, int code, ReadOnlySpan<byte> text, IMailEventSink sink)
    {
        if (command == SmtpCommand.Auth && code == ReplyAuthContinue)
        {
            Auth?.OnChallenge(text); // RFC 4954 §4: 334 carries a base64 challenge; the exchange goes on
            return;
        }
        if (command == SmtpCommand.Data && code == ReplyStartData && !_dataAccepted)
        {
            StartBody();
            return;
        }
        _pending.Dequeue();
        switch (command)
        {
            case SmtpCommand.Greeting:
                sink.Emit(new GreetingEvent(_reply.FirstLine, code == ReplyGoAhead ? _reply.ServerName : null));
                break;
            case SmtpCommand.Ehlo when code == ReplyOk:
                sink.Emit(new CapabilitiesEvent(_reply.LinesAfterFirst(), CapabilitySource.Ehlo));
                break;
            case SmtpCommand.StartTls:
                StartTlsAnswered(code == ReplyGoAhead, Code(code), WireText.Escape(text), sink);
                break;
            case SmtpCommand.Auth:
                EndAuth(code, sink);
                break;
            case SmtpCommand.Data:
                EndData(sink);
                break;
        }
    }

    private void StartBody()
    {
        _dataAccepted = true;
        _mode = ClientMode.Body;
        _body.Start();
    }

    private void EndAuth(int code, IMailEventSink sink)
    {
        sink.Emit(new AuthResultEvent(code == ReplyAuthOk, Code(code)));
        CloseAuth(sink);
    }

    /// <summary>The reply after the body; if the client is still "in the body" (its terminator was lost in a gap), resync on it.</summary>
    private void EndData(IMailEventSink sink)
    {
        _dataAccepted = false;
        if (_mode != ClientMode.Body)
            return;
        _mode = ClientMode.Commands;
        _clientLines.Gap();
        sink.Emit(new ProtocolAnomalyEvent(Direction.ClientToServer, AnomalyNames.GapResync, "DATA reply before end of body"));
    }

    private static string Code(int code) => code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override void OnGap(Direction direction, IMailEventSink sink)
    {
        if (direction == Direction.ServerToClient)
        {
            _serverLines.Gap();
            _reply.Clear();
            _openReplyCode = 0;
            _pending.DropHead(SmtpCommand.Greeting); // picked up mid-stream or the greeting was lost
            sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.GapResync, "server"));
            return;
        }
        _clientLines.Gap();
        string detail = _mode switch
        {
            ClientMode.Body => "client in DATA body",
            ClientMode.Bdat => "client in BDAT chunk",
            _ => Auth is null ? "client" : "client in AUTH exchange",
        };
        DropClientState(sink);
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.GapResync, detail));
    }

    /// <summary>
    /// A half-done AUTH is closed (what was seen is kept); a BDAT chunk's end is unknown, so the next
    /// command line resyncs; a DATA body goes on to its terminator, or to the DATA reply if that was lost.
    /// </summary>
    private void DropClientState(IMailEventSink sink)
    {
        CloseAuth(sink);
        if (_mode == ClientMode.Bdat)
            _mode = ClientMode.Commands;
        else if (_mode == ClientMode.Body)
            _body.ResumeMidLine();
    }

    protected override void Reset()
    {
        _clientLines.Gap();
        _serverLines.Gap();
        _reply.Clear();
        _openReplyCode = 0;
        _pending.Clear();
        _mode = ClientMode.Commands;
        _dataAccepted = false;
    }
}
