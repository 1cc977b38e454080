using System.Net.Sockets;
using Sensor.Core.Decoding;
using Sensor.Core.Output;

namespace Sensor.Core.Probing;

/// <summary>
/// The answering host's TCP/IP traits as the probe's own connection shows them: from its SYN/ACK when a
/// <see cref="SynAckWatch"/> could be had, else from the kernel's TCP_INFO (Linux), which knows what was
/// negotiated but not the TTL, the window, the MSS the server sent or the order of its options.
/// </summary>
internal static class ProbeTcpTraits
{
    private const int IpProtoTcp = 6, TcpInfoOption = 11;

    // Bits of tcpi_options (include/uapi/linux/tcp.h).
    private const byte OptTimestamps = 1, OptSack = 2, OptWindowScale = 4;

    /// <summary>Traits TCP_INFO cannot give, as "unavailable" names them.</summary>
    public static readonly IReadOnlyList<string> NotInTcpInfo = ["ttl", "initial_ttl", "hops", "window", "options", "mss"];

    private static readonly Lazy<TcpHandshakeOptions> Offered = new(ReadOffered);

    /// <summary>
    /// The traits of <paramref name="socket"/>'s server, just connected: TCP_INFO is read now, the SYN/ACK off the
    /// probe's way (the dialogue need not wait for it; <paramref name="watch"/> is disposed when done). Null off Linux
    /// or when neither source answers.
    /// </summary>
    public static Task<TcpTraitsRecord?> ReadAsync(Socket socket, SynAckWatch? watch)
    {
        byte[]? info = OperatingSystem.IsLinux() ? TcpInfo(socket) : null;
        if (watch is null || socket.LocalEndPoint is not System.Net.IPEndPoint local)
        {
            watch?.Dispose();
            return Task.FromResult(info is null ? null : FromTcpInfo(info, Offered.Value));
        }
        return Task.Run(() =>
        {
            using (watch)
                return watch.Read(local.Port) is { Seen: true } synAck ? FromSynAck(synAck) : info is null ? null : FromTcpInfo(info, Offered.Value);
        });
    }

    private static TcpTraitsRecord? FromSynAck(in TcpStackTraits synAck)
    {
        var record = TcpTraitsRecord.Of(synAck, default);
        record?.ClientOffered = TcpStackTraits.Names(Offered.Value);
        return record;
    }

    private static byte[]? TcpInfo(Socket socket)
    {
        var info = new byte[32];
        try
        {
            return info[..socket.GetRawSocketOption(IpProtoTcp, TcpInfoOption, info)];
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>
    /// struct tcp_info's first bytes (include/uapi/linux/tcp.h): tcpi_options at 5, the peer's window scale
    /// in the low nibble of byte 6 (tcpi_snd_wscale). An option counts as answered when it was negotiated.
    /// Null when fewer than 7 bytes came. Pure.
    /// </summary>
    public static TcpTraitsRecord? FromTcpInfo(ReadOnlySpan<byte> info, TcpHandshakeOptions offered)
    {
        if (info.Length < 7)
            return null;
        byte options = info[5];
        return new TcpTraitsRecord
        {
            Source = TcpTraitsRecord.FromTcpInfo,
            SackPermitted = (options & OptSack) != 0,
            Timestamps = (options & OptTimestamps) != 0,
            WindowScale = (options & OptWindowScale) != 0 ? info[6] & 0x0F : null,
            ClientOffered = TcpStackTraits.Names(offered),
            Unavailable = [.. NotInTcpInfo],
        };
    }

    /// <summary>What this host's SYNs offer: Linux always sends the MSS; SACK, timestamps and window scaling follow their sysctls.</summary>
    private static TcpHandshakeOptions ReadOffered() =>
        TcpHandshakeOptions.Mss
        | (Enabled("tcp_sack") ? TcpHandshakeOptions.SackPermitted : 0)
        | (Enabled("tcp_timestamps") ? TcpHandshakeOptions.Timestamps : 0)
        | (Enabled("tcp_window_scaling") ? TcpHandshakeOptions.WindowScale : 0);

    private static bool Enabled(string sysctl)
    {
        try
        {
            return File.ReadAllText($"/proc/sys/net/ipv4/{sysctl}").Trim() != "0";
        }
        catch (IOException)
        {
            return true; // the kernel's defaults
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }
}
