using Sensor.Core.Decoding;

namespace Sensor.Core.Reassembly;

/// <summary>
/// One TCP connection as the flow table tracks it. Client is the side that sent the SYN, or, with no
/// SYN seen, the side guessed from the ports (the flow table may swap roles on better evidence).
/// </summary>
public sealed partial class TcpFlow
{
    public TcpFlow(Endpoint client, Endpoint server, long firstTicks, bool sawHandshake)
    {
        Client = client;
        Server = server;
        FirstTicks = firstTicks;
        LastTicks = firstTicks;
        SawHandshake = sawHandshake;
    }

    public Endpoint Client { get; private set; }
    public Endpoint Server { get; private set; }
    public long FirstTicks { get; }
    public long LastTicks { get; internal set; }

    /// <summary>True when the SYN or SYN/ACK was seen, so both streams start at their true beginning.</summary>
    public bool SawHandshake { get; }

    /// <summary>Payload bytes delivered in order, per direction.</summary>
    public long BytesClientToServer { get; internal set; }
    public long BytesServerToClient { get; internal set; }
    public long Packets { get; internal set; }

    /// <summary>What the client's SYN showed of its stack (default until a SYN was seen).</summary>
    public TcpStackTraits Syn { get; private set; }

    /// <summary>What the server's SYN/ACK showed of its stack (default until a SYN/ACK was seen): the answering host's TCP traits.</summary>
    public TcpStackTraits SynAck { get; private set; }

    /// <summary>Keeps the first SYN and SYN/ACK's traits; a retransmission or a later one changes nothing.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal void RecordHandshake(in TcpSegment segment)
    {
        if (segment.Wire.IsEmpty)
            return;
        if (!segment.Has(TcpFlags.Ack))
        {
            if (!Syn.Seen && segment.Source == Client)
                Syn = TcpStackTraits.Parse(segment.Wire, segment.HopLimit);
        }
        else if (!SynAck.Seen && segment.Source == Server)
            SynAck = TcpStackTraits.Parse(segment.Wire, segment.HopLimit);
    }

    /// <summary>The next stage's per-flow state (the session it builds).</summary>
    public object? Attachment { get; set; }

    /// <summary>Set by the next stage when this flow is of no interest: reassembly stops buffering it.</summary>
    public bool Ignored { get; set; }

    /// <summary>Swaps client and server when the first bytes prove the guess wrong (a banner from the "client").</summary>
    public void SwapRoles() => (Client, Server) = (Server, Client);
}
