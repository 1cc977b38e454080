using Sensor.Core.Decoding;

namespace Sensor.Core.Output;

/// <summary>
/// "server_tcp": what the answering host's SYN/ACK showed of its TCP/IP stack (docs/output.md), in a
/// session record (from the capture) and in a probe record (from the probe's own connection). A probe
/// without the privilege to see its own SYN/ACK reads the kernel's TCP_INFO instead ("source": "tcp-info"):
/// what was negotiated, without the TTL, the window, the MSS or the options' order ("unavailable" names them).
/// </summary>
public sealed class TcpTraitsRecord
{
    public const string FromSynAck = "syn-ack";
    public const string FromTcpInfo = "tcp-info";

    /// <summary>"syn-ack": read from the SYN/ACK itself; "tcp-info": from the kernel's view of the connection.</summary>
    public string Source { get; set; } = FromSynAck;

    /// <summary>The IP TTL (IPv6 hop limit) the SYN/ACK arrived with.</summary>
    public int? Ttl { get; set; }

    /// <summary>The TTL the sender most likely set (64, 128 or 255: the next at or above <see cref="Ttl"/>): a property of its stack.</summary>
    public int? InitialTtl { get; set; }

    /// <summary><see cref="InitialTtl"/> less <see cref="Ttl"/>: routers on the way, a property of the path.</summary>
    public int? Hops { get; set; }

    /// <summary>The SYN/ACK's window (never scaled, RFC 7323 §2.2).</summary>
    public int? Window { get; set; }

    /// <summary>The SYN/ACK's options in order, p0f's names ("mss,sok,ts,nop,ws"); see <see cref="TcpStackTraits.Layout"/>.</summary>
    public string? Options { get; set; }
    public int? Mss { get; set; }

    /// <summary>The window scale shift the server answered with; null when it answered none.</summary>
    public int? WindowScale { get; set; }
    public bool SackPermitted { get; set; }
    public bool Timestamps { get; set; }

    /// <summary>The options the client's SYN offered ("mss,sok,ts,ws"): a server answers only those. Null when the SYN was not seen.</summary>
    public string? ClientOffered { get; set; }

    /// <summary>The traits this source cannot see.</summary>
    public List<string> Unavailable { get; set; } = [];

    /// <summary>The traits of a SYN/ACK, with the SYN that asked for it when seen; null when no SYN/ACK was seen.</summary>
    public static TcpTraitsRecord? Of(in TcpStackTraits synAck, in TcpStackTraits syn)
    {
        if (!synAck.Seen)
            return null;
        int initial = InitialTtlOf(synAck.Ttl);
        return new TcpTraitsRecord
        {
            Ttl = synAck.Ttl,
            InitialTtl = initial,
            Hops = initial - synAck.Ttl,
            Window = synAck.Window,
            Options = synAck.Layout(),
            Mss = synAck.Options.HasFlag(TcpHandshakeOptions.Mss) ? synAck.Mss : null,
            WindowScale = synAck.Options.HasFlag(TcpHandshakeOptions.WindowScale) ? synAck.WindowScale : null,
            SackPermitted = synAck.Options.HasFlag(TcpHandshakeOptions.SackPermitted),
            Timestamps = synAck.Options.HasFlag(TcpHandshakeOptions.Timestamps),
            ClientOffered = syn.Seen ? TcpStackTraits.Names(syn.Options) : null,
        };
    }

    /// <summary>
    /// The initial TTL of the stacks in use (Linux, BSD and macOS 64; Windows 128; Solaris, network gear 255): the
    /// smallest at or above what arrived. A host more than 64 hops away would be misread; none is on today's Internet.
    /// </summary>
    public static int InitialTtlOf(int ttl) => ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;

    /// <summary>The options the server answered with, as a set.</summary>
    public TcpHandshakeOptions Answered() =>
        (Mss is not null ? TcpHandshakeOptions.Mss : 0) | (SackPermitted ? TcpHandshakeOptions.SackPermitted : 0)
        | (Timestamps ? TcpHandshakeOptions.Timestamps : 0) | (WindowScale is not null ? TcpHandshakeOptions.WindowScale : 0);
}
