using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sensor.Core.Probing.Socks;

/// <summary>How reading one SOCKS5 reply ended.</summary>
public enum Socks5ReadStatus { NeedMore, Parsed, Malformed }

/// <summary>The server's answer to a CONNECT (RFC 1928 §6): the reply code and the address the proxy bound for it.</summary>
public readonly record struct Socks5Reply(byte Code, IPAddress? BoundAddress, string? BoundName, int BoundPort)
{
    public bool Succeeded => Code == 0;
}

/// <summary>
/// The bytes of the SOCKS5 client side (RFC 1928), pure: requests built into a span, replies read from
/// bytes with "need more" consuming nothing. No authentication is offered (method 0x00): the proxies meant
/// here (Tor, a local dante or `ssh -D`) take none.
/// </summary>
public static class Socks5Messages
{
    public const byte Version = 5;
    public const byte NoAuthentication = 0x00;
    public const byte NoAcceptableMethod = 0xFF;
    public const byte Connect = 0x01;
    private const byte AtypIPv4 = 0x01, AtypDomain = 0x03, AtypIPv6 = 0x04;

    /// <summary>The most bytes a CONNECT request takes: header, length byte, a 255-byte name, the port.</summary>
    public const int MaxRequestBytes = 4 + 1 + 255 + 2;

    /// <summary>The greeting: version 5, one method, "no authentication required" (§3).</summary>
    public static ReadOnlySpan<byte> Greeting => [Version, 1, NoAuthentication];

    /// <summary>
    /// The method the server chose (§3), or null when the two bytes are not a SOCKS5 answer. Needs
    /// exactly two bytes.
    /// </summary>
    public static byte? ChosenMethod(ReadOnlySpan<byte> answer) => answer.Length == 2 && answer[0] == Version ? answer[1] : null;

    /// <summary>
    /// A CONNECT request (§4) for <paramref name="host"/>: an address as ATYP 1 or 4, a name as ATYP 3
    /// (DOMAINNAME), so the proxy resolves it and no lookup happens here. Returns the length written;
    /// throws <see cref="ArgumentException"/> for a name longer than 255 bytes.
    /// </summary>
    public static int WriteConnect(Span<byte> destination, string host, int port)
    {
        destination[0] = Version;
        destination[1] = Connect;
        destination[2] = 0;
        int at;
        if (IPAddress.TryParse(host, out var address))
        {
            destination[3] = address.AddressFamily == AddressFamily.InterNetworkV6 ? AtypIPv6 : AtypIPv4;
            address.TryWriteBytes(destination[4..], out var written);
            at = 4 + written;
        }
        else
        {
            var name = host.TrimEnd('.');
            var length = Encoding.ASCII.GetByteCount(name);
            if (length is 0 or > 255)
                throw new ArgumentException($"a SOCKS5 domain name takes 1 to 255 bytes, not {length}", nameof(host));
            destination[3] = AtypDomain;
            destination[4] = (byte)length;
            Encoding.ASCII.GetBytes(name, destination[5..]);
            at = 5 + length;
        }
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)port);
        return at + 2;
    }

    /// <summary>
    /// Reads a CONNECT reply (§6): VER REP RSV ATYP BND.ADDR BND.PORT. <paramref name="consumed"/> is the
    /// reply's length when parsed, else 0.
    /// </summary>
    public static Socks5ReadStatus ReadReply(ReadOnlySpan<byte> bytes, out Socks5Reply reply, out int consumed)
    {
        reply = default;
        consumed = 0;
        if (bytes.Length < 5)
            return Socks5ReadStatus.NeedMore;
        if (bytes[0] != Version || bytes[2] != 0)
            return Socks5ReadStatus.Malformed;
        var addressLength = bytes[3] switch
        {
            AtypIPv4 => 4,
            AtypIPv6 => 16,
            AtypDomain => 1 + bytes[4],
            _ => -1,
        };
        if (addressLength < 0)
            return Socks5ReadStatus.Malformed;
        var total = 4 + addressLength + 2;
        if (bytes.Length < total)
            return Socks5ReadStatus.NeedMore;
        var addressBytes = bytes.Slice(4, addressLength);
        var port = BinaryPrimitives.ReadUInt16BigEndian(bytes[(4 + addressLength)..]);
        reply = bytes[3] == AtypDomain
            ? new Socks5Reply(bytes[1], null, Encoding.ASCII.GetString(addressBytes[1..]), port)
            : new Socks5Reply(bytes[1], new IPAddress(addressBytes), null, port);
        consumed = total;
        return Socks5ReadStatus.Parsed;
    }

    /// <summary>The reply codes of §6 in words.</summary>
    public static string Describe(byte code) => code switch
    {
        0x00 => "succeeded",
        0x01 => "general SOCKS server failure",
        0x02 => "connection not allowed by ruleset",
        0x03 => "network unreachable",
        0x04 => "host unreachable",
        0x05 => "connection refused",
        0x06 => "TTL expired",
        0x07 => "command not supported",
        0x08 => "address type not supported",
        _ => $"reply code 0x{code:x2}",
    };
}
