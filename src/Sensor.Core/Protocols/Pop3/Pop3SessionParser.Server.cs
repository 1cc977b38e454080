using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Pop3;

/// <summary>The server side: status lines matched in order, multi-line bodies followed to ".".</summary>
public sealed partial class Pop3SessionParser
{
    protected override void ParseServer(ref ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        while (!data.IsEmpty && !Diverted(Direction.ServerToClient))
        {
            if (_mode == ServerMode.Body)
            {
                if (_body.Scan(ref data))
                    _mode = ServerMode.Responses;
                continue;
            }
            if (!NextLine(_serverLines, Direction.ServerToClient, ref data, sink, out var line))
                return;
            if (!Speaks(Direction.ServerToClient, line, Pop3Verbs.LooksLikeResponse, sink))
                continue;
            if (_mode == ServerMode.CapaList)
                OnCapaLine(line, sink);
            else if (KeepAfterGap(_serverLines, Pop3Verbs.LooksLikeResponse(line)))
                OnServerLine(line, sink);
        }
    }

    /// <summary>RFC 2449 §5: one capability a line, "." ends the list; a leading "." is stuffing.</summary>
    private void OnCapaLine(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        if (line.SequenceEqual("."u8))
        {
            sink.Emit(new CapabilitiesEvent(_capabilities.ToArray(), CapabilitySource.Pop3Capa));
            _capabilities.Clear();
            _mode = ServerMode.Responses;
            return;
        }
        _capabilities.Add(WireText.Escape(line.StartsWith("."u8) ? line[1..] : line));
    }

    private void OnServerLine(ReadOnlySpan<byte> line, IMailEventSink sink)
    {
        if (Pop3Verbs.IsContinuation(line))
        {
            Auth?.OnChallenge(line.Length > 2 ? line[2..] : default);
            return;
        }
        bool ok = Ascii.StartsWithIgnoreCase(line, "+OK");
        if (!ok && !Ascii.StartsWithIgnoreCase(line, "-ERR"))
        {
            sink.Emit(new ProtocolAnomalyEvent(Direction.ServerToClient, AnomalyNames.MalformedReply, WireText.Escape(line)));
            return;
        }
        if (_pending.Count == 0)
            return;
        Ascii.NextToken(line, out var text);
        OnStatus(_pending.Dequeue(), ok, line, text, sink);
    }

    private void OnStatus(Pop3Command command, bool ok, ReadOnlySpan<byte> line, ReadOnlySpan<byte> text, IMailEventSink sink)
    {
        string status = ok ? "+OK" : "-ERR";
        switch (command)
        {
            case Pop3Command.Greeting:
                sink.Emit(new GreetingEvent(WireText.Escape(line), null));
                _timestamp = Pop3Verbs.Timestamp(line);
                break;
            case Pop3Command.Capa when ok:
                _mode = ServerMode.CapaList;
                break;
            case Pop3Command.Capa:
                // RFC 2449 §5: a server that answers CAPA with -ERR lists no extension, so no client can
                // learn of STLS there (RFC 2595 §4); a box on the path can answer so to hide it.
                sink.Emit(new CapabilitiesEvent([], CapabilitySource.Pop3Capa));
                break;
            case Pop3Command.MultiLine when ok:
                _mode = ServerMode.Body;
                _body.Start();
                break;
            case Pop3Command.Stls:
                StartTlsAnswered(ok, status, WireText.Escape(text), sink);
                break;
            case Pop3Command.Pass or Pop3Command.Apop:
                sink.Emit(new AuthResultEvent(ok, status));
                break;
            case Pop3Command.Auth:
                sink.Emit(new AuthResultEvent(ok, status));
                CloseAuth(sink);
                break;
        }
    }

    protected override void OnGap(Direction direction, IMailEventSink sink)
    {
        if (direction == Direction.ServerToClient)
        {
            _serverLines.Gap();
            if (_mode == ServerMode.Body)
                _body.ResumeMidLine();
            _pending.DropHead(Pop3Command.Greeting); // picked up mid-stream or the greeting was lost: do not take a later reply for it
            sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.GapResync, _mode == ServerMode.Body ? "server in multi-line response" : "server"));
            return;
        }
        _clientLines.Gap();
        string detail = Auth is null ? "client" : "client in AUTH exchange";
        CloseAuth(sink);
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.GapResync, detail));
    }

    protected override void Reset()
    {
        _clientLines.Gap();
        _serverLines.Gap();
        _pending.Clear();
        _capabilities.Clear();
        _mode = ServerMode.Responses;
    }
}
