using System.Text;
using Sensor.Core.Decoding;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Live;

/// <summary>Writes one TCP conversation as raw IP frames, sequence numbers kept, for a test to feed the live engine.</summary>
internal sealed class TcpTalk(Endpoint client, Endpoint server, Action<long, byte[]> send, long startTicks)
{
    private uint _clientSeq = 1000, _serverSeq = 9000;
    private long _ticks = startTicks;

    public long Ticks => _ticks;

    public TcpTalk Handshake()
    {
        Send(client, server, _clientSeq++, 0, TcpFlags.Syn, []);
        Send(server, client, _serverSeq++, _clientSeq, TcpFlags.Syn | TcpFlags.Ack, []);
        return this;
    }

    public TcpTalk Client(string text) => Client(Encoding.ASCII.GetBytes(text));
    public TcpTalk Server(string text) => Server(Encoding.ASCII.GetBytes(text));

    public TcpTalk Client(byte[] data)
    {
        Send(client, server, _clientSeq, _serverSeq, TcpFlags.Ack | TcpFlags.Psh, data);
        _clientSeq += (uint)data.Length;
        return this;
    }

    public TcpTalk Server(byte[] data)
    {
        Send(server, client, _serverSeq, _clientSeq, TcpFlags.Ack | TcpFlags.Psh, data);
        _serverSeq += (uint)data.Length;
        return this;
    }

    public TcpTalk Close()
    {
        Send(client, server, _clientSeq++, _serverSeq, TcpFlags.Fin | TcpFlags.Ack, []);
        Send(server, client, _serverSeq++, _clientSeq, TcpFlags.Fin | TcpFlags.Ack, []);
        Send(client, server, _clientSeq, _serverSeq, TcpFlags.Ack, []);
        return this;
    }

    private void Send(Endpoint from, Endpoint to, uint seq, uint ack, TcpFlags flags, byte[] payload) =>
        send(_ticks += 10, new SegmentSpec(_ticks, from, to, seq, ack, flags, payload).ToRawIpFrame());
}
