using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Sensor.Core.Decoding;

namespace Sensor.Core.Probing;

/// <summary>
/// Sees the SYN/ACK of the probe's own connection, to learn the answering host's TCP/IP traits: a raw IPv4
/// TCP socket (Linux, CAP_NET_RAW) opened before the connect, whose kernel filter passes only SYN/ACKs from
/// the server's address and port, so a busy host queues next to nothing. The kernel hands raw sockets their
/// copy before TCP takes the packet (ip_local_deliver), so when connect returns the SYN/ACK is already here.
/// IPv6 raw sockets are handed no IP header, so no hop limit: IPv6 probes use TCP_INFO.
/// </summary>
internal sealed class SynAckWatch : IDisposable
{
    private const int SolSocket = 1, SoAttachFilter = 26;
    // Waited for a SYN/ACK that is not queued yet: it arrived before connect returned, so this is only slack.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(20);

    private readonly Socket _raw;
    private readonly IPEndPoint _server;

    private SynAckWatch(Socket raw, IPEndPoint server) => (_raw, _server) = (raw, server);

    /// <summary>A watch for SYN/ACKs from <paramref name="server"/>; null where it cannot be had (not Linux, IPv6, no CAP_NET_RAW).</summary>
    public static SynAckWatch? TryOpen(IPEndPoint server)
    {
        if (!OperatingSystem.IsLinux() || server.AddressFamily != AddressFamily.InterNetwork)
            return null;
        Socket raw;
        try
        {
            raw = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Tcp);
        }
        catch (SocketException)
        {
            return null; // EPERM without CAP_NET_RAW: TCP_INFO tells what it can
        }
        try
        {
            Attach(raw, Filter(server));
            return new SynAckWatch(raw, server);
        }
        catch (SocketException)
        {
            raw.Dispose();
            return null;
        }
    }

    /// <summary>The traits of the SYN/ACK sent to <paramref name="localPort"/>; default when none came.</summary>
    public TcpStackTraits Read(int localPort)
    {
        var buffer = new byte[1500];
        var deadline = DateTime.UtcNow + Slack;
        while (_raw.Poll(Remaining(deadline), SelectMode.SelectRead))
        {
            int length = _raw.Receive(buffer);
            var tcp = SynAckTo(buffer.AsSpan(0, length), localPort);
            if (!tcp.IsEmpty)
                return TcpStackTraits.Parse(tcp, buffer[8]);
        }
        return default;
    }

    /// <summary>
    /// The TCP header of a packet the filter passed (an IPv4 SYN/ACK from the server) when it went to
    /// <paramref name="localPort"/> and is not a fragment (RFC 791 §3.1); else empty. The TTL is the IP header's byte 8.
    /// </summary>
    private static ReadOnlySpan<byte> SynAckTo(ReadOnlySpan<byte> ip, int localPort)
    {
        if (ip.Length < 20 || ip[0] >> 4 != 4 || (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF) != 0)
            return default;
        int headerLength = (ip[0] & 0x0F) * 4;
        if (headerLength < 20 || ip.Length < headerLength + 20)
            return default;
        var tcp = ip[headerLength..];
        return BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]) == localPort ? tcp : default;
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>
    /// A classic BPF program over the IPv4 packet (raw sockets filter from the IP header): source address and
    /// port are the server's, SYN and ACK are set; anything else is not queued. Instructions are
    /// struct sock_filter (<see cref="SockFilter"/>), host order; jumps count from the next instruction.
    /// </summary>
    private static byte[] Filter(IPEndPoint server)
    {
        uint address = BinaryPrimitives.ReadUInt32BigEndian(server.Address.GetAddressBytes());
        ReadOnlySpan<SockFilter> program =
        [
            new(0x20, 0, 0, 12),                // ld [12]: source address
            new(0x15, 0, 7, address),           // jeq server, else drop
            new(0xb1, 0, 0, 0),                 // ldxb 4*([0]&0xf): IP header length
            new(0x48, 0, 0, 0),                 // ldh [x+0]: TCP source port
            new(0x15, 0, 4, (uint)server.Port), // jeq port, else drop
            new(0x50, 0, 0, 13),                // ldb [x+13]: TCP flags
            new(0x54, 0, 0, 0x12),              // and #SYN|ACK
            new(0x15, 0, 1, 0x12),              // jeq SYN|ACK, else drop
            new(0x06, 0, 0, 0xFFFF),            // ret: queue it
            new(0x06, 0, 0, 0),                 // ret: drop
        ];
        return MemoryMarshal.AsBytes(program).ToArray();
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct SockFilter(ushort code, byte jumpTrue, byte jumpFalse, uint k)
    {
        public readonly ushort Code = code;
        public readonly byte JumpTrue = jumpTrue;
        public readonly byte JumpFalse = jumpFalse;
        public readonly uint K = k;
    }

    /// <summary>SO_ATTACH_FILTER with a struct sock_fprog (a length, then a pointer to the program); the kernel copies the program.</summary>
    private static void Attach(Socket raw, byte[] program)
    {
        var handle = GCHandle.Alloc(program, GCHandleType.Pinned);
        try
        {
            var fprog = new byte[IntPtr.Size * 2];
            BitConverter.TryWriteBytes(fprog, (ushort)(program.Length / 8));
            if (IntPtr.Size == 8)
                BitConverter.TryWriteBytes(fprog.AsSpan(8), handle.AddrOfPinnedObject().ToInt64());
            else
                BitConverter.TryWriteBytes(fprog.AsSpan(4), handle.AddrOfPinnedObject().ToInt32());
            raw.SetRawSocketOption(SolSocket, SoAttachFilter, fprog);
        }
        finally
        {
            handle.Free();
        }
    }

    public void Dispose() => _raw.Dispose();
}
