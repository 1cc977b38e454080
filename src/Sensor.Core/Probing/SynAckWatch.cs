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
            var context = new DecodeContext(0);
            if (PacketDecoder.DecodeIp(buffer.AsSpan(0, length), ref context, out var segment) == DecodeResult.Tcp
                && segment.Has(TcpFlags.Syn) && segment.Has(TcpFlags.Ack)
                && segment.Destination.Port == localPort && segment.Source.Port == _server.Port)
                return TcpStackTraits.Parse(segment.Wire, segment.HopLimit);
        }
        return default;
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>
    /// A classic BPF program over the IPv4 packet (raw sockets filter from the IP header): source address and
    /// port are the server's, SYN and ACK are set; anything else is not queued.
    /// </summary>
    private static byte[] Filter(IPEndPoint server)
    {
        uint address = BinaryPrimitives.ReadUInt32BigEndian(server.Address.GetAddressBytes());
        (ushort Code, byte True, byte False, uint K)[] program =
        [
            (0x20, 0, 0, 12),               // ld [12]: source address
            (0x15, 0, 7, address),          // jeq server, else drop
            (0xb1, 0, 0, 0),                // ldxb 4*([0]&0xf): IP header length
            (0x48, 0, 0, 0),                // ldh [x+0]: TCP source port
            (0x15, 0, 4, (uint)server.Port),// jeq port, else drop
            (0x50, 0, 0, 13),               // ldb [x+13]: TCP flags
            (0x54, 0, 0, 0x12),             // and #SYN|ACK
            (0x15, 0, 1, 0x12),             // jeq SYN|ACK, else drop
            (0x06, 0, 0, 0xFFFF),           // ret: queue it
            (0x06, 0, 0, 0),                // ret: drop
        ];
        var bytes = new byte[program.Length * 8];
        for (int i = 0; i < program.Length; i++)
        {
            var (code, jt, jf, k) = program[i];
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), code);
            bytes[i * 8 + 2] = jt;
            bytes[i * 8 + 3] = jf;
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8 + 4), k);
        }
        return bytes;
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
