using System.Buffers.Binary;
using System.Text;

namespace Sensor.Core.Decoding;

/// <summary>The handshake options a SYN offers or a SYN/ACK answers with, as a set.</summary>
[Flags]
public enum TcpHandshakeOptions : byte
{
    None = 0,
    /// <summary>Maximum Segment Size (kind 2, RFC 9293 §3.7.1).</summary>
    Mss = 1,
    /// <summary>SACK-permitted (kind 4, RFC 2018 §2).</summary>
    SackPermitted = 2,
    /// <summary>Timestamps (kind 8, RFC 7323 §3).</summary>
    Timestamps = 4,
    /// <summary>Window scale (kind 3, RFC 7323 §2).</summary>
    WindowScale = 8,
}

/// <summary>
/// What a SYN or SYN/ACK shows of the TCP/IP stack that sent it: the IP TTL (hop limit) it arrived with,
/// the window, and the options in the order the stack lays them out (the NOPs that pad them included), which
/// differ between stacks and between settings of one stack (RFC 7323, RFC 2018: a host answers only the
/// options the SYN offered). One small struct, filled without allocating; <see cref="Layout"/> makes the
/// text when a record is written. Pure.
/// </summary>
public readonly struct TcpStackTraits
{
    /// <summary>Options kept in <see cref="Layout"/>; 40 option bytes could hold more NOPs, no stack sends them.</summary>
    public const int MaxLayout = 8;

    private const byte KindEnd = 0, KindNop = 1, KindMss = 2, KindWindowScale = 3, KindSackPermitted = 4, KindSack = 5, KindTimestamps = 8;

    // The option kinds in order, the first in the low byte.
    private ulong Kinds { get; init; }

    /// <summary>False for the default value: no SYN or SYN/ACK was seen.</summary>
    public bool Seen { get; private init; }
    public byte Ttl { get; private init; }
    public ushort Window { get; private init; }

    /// <summary>The MSS option's value, 0 when not sent.</summary>
    public ushort Mss { get; private init; }

    /// <summary>The window scale option's shift count, meaningful when <see cref="Options"/> has it.</summary>
    public byte WindowScale { get; private init; }
    public TcpHandshakeOptions Options { get; private init; }

    /// <summary>How many options (NOPs and the end-of-list included) the header carried.</summary>
    public int Count { get; private init; }

    /// <summary>An option's length ran past the header or was below 2: the list ends there (RFC 9293 §3.1 "Options").</summary>
    public bool Malformed { get; private init; }

    /// <summary>
    /// Reads a TCP header's options. <paramref name="tcp"/> starts at the TCP header (payload may follow);
    /// <paramref name="ttl"/> is the IP TTL or hop limit it arrived with. A header shorter than its data
    /// offset says yields the traits of what is there, marked <see cref="Malformed"/>.
    /// </summary>
    public static TcpStackTraits Parse(ReadOnlySpan<byte> tcp, byte ttl)
    {
        if (tcp.Length < 20)
            return new TcpStackTraits { Seen = true, Ttl = ttl, Malformed = true };
        int end = (tcp[12] >> 4) * 4;
        bool malformed = end < 20 || end > tcp.Length;
        end = Math.Clamp(end, 20, tcp.Length);
        ushort mss = 0;
        byte scale = 0;
        var options = TcpHandshakeOptions.None;
        ulong kinds = 0;
        int count = 0;
        for (int i = 20; i < end;)
        {
            byte kind = tcp[i];
            if (count < MaxLayout)
                kinds |= (ulong)kind << (8 * count);
            count++;
            if (kind == KindEnd)
                break;
            if (kind == KindNop)
            {
                i++;
                continue;
            }
            int length = i + 1 < end ? tcp[i + 1] : 0;
            if (length < 2 || i + length > end)
            {
                malformed = true;
                break;
            }
            var value = tcp.Slice(i + 2, length - 2);
            switch (kind)
            {
                case KindMss when value.Length == 2:
                    mss = BinaryPrimitives.ReadUInt16BigEndian(value);
                    options |= TcpHandshakeOptions.Mss;
                    break;
                case KindWindowScale when value.Length == 1:
                    scale = value[0];
                    options |= TcpHandshakeOptions.WindowScale;
                    break;
                case KindSackPermitted when value.Length == 0:
                    options |= TcpHandshakeOptions.SackPermitted;
                    break;
                case KindTimestamps when value.Length == 8:
                    options |= TcpHandshakeOptions.Timestamps;
                    break;
            }
            i += length;
        }
        return new TcpStackTraits
        {
            Seen = true, Ttl = ttl, Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]), Mss = mss, WindowScale = scale,
            Options = options, Kinds = kinds, Count = count, Malformed = malformed,
        };
    }

    /// <summary>
    /// The options in order, p0f's names: "mss,sok,ts,nop,ws" is Linux answering a SYN that offered all four.
    /// "eol" ends the list; an unknown kind is "?KIND"; past <see cref="MaxLayout"/> options "..." follows.
    /// </summary>
    public string Layout()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Math.Min(Count, MaxLayout); i++)
        {
            if (i > 0)
                text.Append(',');
            byte kind = (byte)(Kinds >> (8 * i));
            text.Append(kind switch
            {
                KindEnd => "eol",
                KindNop => "nop",
                KindMss => "mss",
                KindWindowScale => "ws",
                KindSackPermitted => "sok",
                KindSack => "sack",
                KindTimestamps => "ts",
                _ => $"?{kind}",
            });
        }
        if (Count > MaxLayout)
            text.Append(",...");
        return text.ToString();
    }

    /// <summary>An option set as text in a fixed order ("mss,sok,ts,ws"), "" for none.</summary>
    public static string Names(TcpHandshakeOptions options)
    {
        var names = new List<string>(4);
        if (options.HasFlag(TcpHandshakeOptions.Mss)) names.Add("mss");
        if (options.HasFlag(TcpHandshakeOptions.SackPermitted)) names.Add("sok");
        if (options.HasFlag(TcpHandshakeOptions.Timestamps)) names.Add("ts");
        if (options.HasFlag(TcpHandshakeOptions.WindowScale)) names.Add("ws");
        return string.Join(',', names);
    }
}
