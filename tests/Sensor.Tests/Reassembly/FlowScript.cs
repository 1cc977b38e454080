using System.Text;
using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Reassembly;

/// <summary>Drives a flow table with one client/server pair; sequence numbers are relative to each side's ISN.</summary>
internal sealed class FlowScript
{
    public static readonly Endpoint Client = Endpoint.Parse("192.0.2.10:40000");
    public static readonly Endpoint Server = Endpoint.Parse("198.51.100.25:25");

    public FlowScript(uint clientIsn = 1000, uint serverIsn = 5000, ReassemblyLimits? limits = null, RecordingObserver? observer = null)
    {
        ClientIsn = clientIsn;
        ServerIsn = serverIsn;
        Observer = observer ?? new RecordingObserver();
        Table = new FlowTable(Observer, limits);
    }

    public uint ClientIsn { get; }
    public uint ServerIsn { get; }
    public RecordingObserver Observer { get; }
    public FlowTable Table { get; }
    public long Ticks { get; set; } = 1_000_000;

    public FlowScript Handshake() =>
        ClientSends(0, "", TcpFlags.Syn, ack: 0)
            .ServerSends(0, "", TcpFlags.Syn | TcpFlags.Ack)
            .ClientSends(1, "", TcpFlags.Ack);

    /// <summary>Client data at relative offset <paramref name="offset"/> (1 = the first byte after the SYN).</summary>
    public FlowScript ClientSends(uint offset, string data, TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh, uint? ack = null) =>
        Send(Client, Server, ClientIsn + offset, ack ?? ServerIsn + 1, flags, data);

    public FlowScript ServerSends(uint offset, string data, TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh, uint? ack = null) =>
        Send(Server, Client, ServerIsn + offset, ack ?? ClientIsn + 1, flags, data);

    public FlowScript Send(Endpoint from, Endpoint to, uint seq, uint ack, TcpFlags flags, string data, ushort urgentPointer = 0)
    {
        var segment = new TcpSegment(Ticks++, from, to, seq, ack, flags, Encoding.ASCII.GetBytes(data), urgentPointer);
        Table.Process(segment);
        return this;
    }

    /// <summary>Client data with URG set and the given Urgent Pointer.</summary>
    public FlowScript ClientSendsUrgent(uint offset, string data, ushort urgentPointer) =>
        Send(Client, Server, ClientIsn + offset, ServerIsn + 1, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Urg, data, urgentPointer);

    /// <summary>A segment as a frame on the wire, decoded by the sensor's decoder: with a good checksum, or a spoiled one.</summary>
    public FlowScript SendOnWire(bool fromClient, uint offset, string data, TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh, bool goodChecksum = true, uint? ack = null)
    {
        var (from, to, seq, defaultAck) = fromClient ? (Client, Server, ClientIsn + offset, ServerIsn + 1) : (Server, Client, ServerIsn + offset, ClientIsn + 1);
        var spec = new Replay.SegmentSpec(Ticks, from, to, seq, ack ?? defaultAck, flags, Encoding.ASCII.GetBytes(data));
        var frame = spec.ToChecksummedFrame(goodChecksum);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.DecodeFrame(LinkType.Raw, Ticks++, frame, out var segment));
        Table.Process(segment);
        return this;
    }
}
