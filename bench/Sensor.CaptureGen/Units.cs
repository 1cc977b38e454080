using Sensor.Core.Decoding;

namespace Sensor.CaptureGen;

/// <summary>Something that writes packets in its own time order; the generator merges all of them.</summary>
internal abstract class Unit
{
    public long NextMicros { get; protected set; }
    /// <summary>Writes the next packet; false when this unit is done.</summary>
    public abstract bool WriteNext(PcapWriter writer);
}

/// <summary>One replay of a template file with new addresses, sequence numbers and times.</summary>
internal sealed class MailInstance : Unit
{
    private readonly TemplateFile _template;
    private readonly long _start;
    private readonly uint _clientIp;
    private readonly uint[] _serverIps;
    private readonly uint[] _clientDelta, _serverDelta;
    private int _next;

    public MailInstance(TemplateFile template, long startMicros, uint clientIp, uint[] serverIps, Random random)
    {
        _template = template;
        _start = startMicros;
        _clientIp = clientIp;
        _serverIps = serverIps;
        _clientDelta = new uint[template.Flows.Count];
        _serverDelta = new uint[template.Flows.Count];
        for (int i = 0; i < template.Flows.Count; i++)
        {
            _clientDelta[i] = (uint)random.NextInt64(0, 1L << 32);
            _serverDelta[i] = (uint)random.NextInt64(0, 1L << 32);
        }
        NextMicros = _start + template.Segments[0].OffsetMicros;
    }

    public override bool WriteNext(PcapWriter writer)
    {
        var s = _template.Segments[_next++];
        var flow = _template.Flows[s.Flow];
        uint serverIp = _serverIps[flow.ServerAddressIndex % _serverIps.Length];
        if (s.FromClient)
            writer.Write(NextMicros, _clientIp, flow.Client.Port, serverIp, flow.Server.Port,
                s.Sequence + _clientDelta[s.Flow], s.Acknowledgment + _serverDelta[s.Flow], s.Flags, s.Payload);
        else
            writer.Write(NextMicros, serverIp, flow.Server.Port, _clientIp, flow.Client.Port,
                s.Sequence + _serverDelta[s.Flow], s.Acknowledgment + _clientDelta[s.Flow], s.Flags, s.Payload);
        if (_next == _template.Segments.Count)
            return false;
        NextMicros = _start + _template.Segments[_next].OffsetMicros;
        return true;
    }
}

/// <summary>
/// A bulk TCP transfer: handshake (unless picked up mid-stream), a short request, full-size
/// 1448-byte segments one way with an ACK every second segment, FIN both ways.
/// </summary>
internal sealed class BulkFlow : Unit
{
    public const int Mss = 1448;
    private static readonly byte[] Filler = MakeFiller();

    private readonly uint _clientIp, _serverIp;
    private readonly ushort _clientPort, _serverPort;
    private readonly bool _upload;
    private readonly long _gapMicros;
    private readonly byte[] _request;
    private uint _clientSeq, _serverSeq;
    private long _remaining;
    private int _state, _sinceAck;
    private readonly Random _random;

    public BulkFlow(long startMicros, uint clientIp, ushort clientPort, uint serverIp, ushort serverPort,
        long bytes, long gapMicros, bool withHandshake, bool upload, Random random)
    {
        NextMicros = startMicros;
        _clientIp = clientIp; _clientPort = clientPort;
        _serverIp = serverIp; _serverPort = serverPort;
        _remaining = bytes;
        _gapMicros = gapMicros;
        _upload = upload;
        _random = random;
        _clientSeq = (uint)random.NextInt64(0, 1L << 32);
        _serverSeq = (uint)random.NextInt64(0, 1L << 32);
        _request = serverPort is 80 or 8080
            ? System.Text.Encoding.ASCII.GetBytes($"GET /download/{random.Next():x8}.bin HTTP/1.1\r\nHost: cdn{serverIp & 0xff}.example.net\r\nUser-Agent: bench/1.0\r\nAccept: */*\r\n\r\n")
            : Filler.AsSpan(random.Next(0, 512), 200 + random.Next(0, 300)).ToArray();
        _state = withHandshake ? 0 : 4; // no SYN: start with the bulk data, mid-stream
    }

    public long PayloadBytes { get; private set; }

    public override bool WriteNext(PcapWriter writer)
    {
        const TcpFlags A = TcpFlags.Ack, PA = TcpFlags.Psh | TcpFlags.Ack, FA = TcpFlags.Fin | TcpFlags.Ack;
        long small = 50 + _random.Next(0, 200);
        switch (_state)
        {
            case 0: // SYN
                Client(writer, TcpFlags.Syn, []); _clientSeq++; _state = 1; NextMicros += _gapMicros * 20; return true;
            case 1: // SYN/ACK
                Server(writer, TcpFlags.Syn | A, []); _serverSeq++; _state = 2; NextMicros += small; return true;
            case 2: // ACK
                Client(writer, A, []); _state = 3; NextMicros += small; return true;
            case 3: // request
                Client(writer, PA, _request); _clientSeq += (uint)_request.Length; PayloadBytes += _request.Length;
                _state = 4; NextMicros += _gapMicros * 10; return true;
            case 4: // data, and an ACK from the receiver after every second segment
                if (_sinceAck == 2)
                {
                    if (_upload) Server(writer, A, []); else Client(writer, A, []);
                    _sinceAck = 0; NextMicros += small / 4; return true;
                }
                int length = (int)Math.Min(Mss, _remaining);
                var data = Filler.AsSpan((int)(_remaining % 1024), length);
                if (_upload) { Client(writer, A, data); _clientSeq += (uint)length; }
                else { Server(writer, A, data); _serverSeq += (uint)length; }
                PayloadBytes += length;
                _remaining -= length;
                _sinceAck++;
                if (_remaining == 0) _state = 5;
                NextMicros += _gapMicros;
                return true;
            case 5: // sender's FIN
                if (_upload) { Client(writer, FA, []); _clientSeq++; } else { Server(writer, FA, []); _serverSeq++; }
                _state = 6; NextMicros += small; return true;
            case 6: // receiver's FIN
                if (_upload) { Server(writer, FA, []); _serverSeq++; } else { Client(writer, FA, []); _clientSeq++; }
                _state = 7; NextMicros += small; return true;
            default: // last ACK
                if (_upload) Client(writer, A, []); else Server(writer, A, []);
                return false;
        }
    }

    private void Client(PcapWriter w, TcpFlags flags, ReadOnlySpan<byte> payload) =>
        w.Write(NextMicros, _clientIp, _clientPort, _serverIp, _serverPort, _clientSeq, _serverSeq, flags, payload);

    private void Server(PcapWriter w, TcpFlags flags, ReadOnlySpan<byte> payload) =>
        w.Write(NextMicros, _serverIp, _serverPort, _clientIp, _clientPort, _serverSeq, _clientSeq, flags, payload);

    private static byte[] MakeFiller()
    {
        var bytes = new byte[Mss + 1024];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Frame bytes of a flow (for planning): data segments, ACKs and the fixed packets.</summary>
    public static long EstimateFrameBytes(long payload)
    {
        long segments = (payload + Mss - 1) / Mss;
        long frames = segments + segments / 2 + 8;
        return payload + 400 + frames * PcapWriter.RecordOverhead;
    }
}
