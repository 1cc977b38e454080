using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Agents;

/// <summary>
/// Which addresses an agent may probe. Private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7),
/// loopback (127/8, ::1), link-local (169.254/16, fe80::/10), site-local (fec0::/10, RFC 3879),
/// IPv4-compatible IPv6 (::a.b.c.d, deprecated by RFC 4291 2.5.5.1) and unspecified addresses, and the
/// agent's own interface addresses, are refused unless inside an explicit allow-list CIDR; everything
/// else is allowed. Checked per address, after DNS resolution, so a public name that resolves to
/// 127.0.0.1 is refused too. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4
/// address they carry, and so are NAT64 addresses (64:ff9b::/96, RFC 6052; 64:ff9b:1::/48, RFC 8215),
/// which a NAT64 gateway turns into that IPv4 address on its side.
/// </summary>
public sealed class TargetPolicy
{
    private static readonly (IPNetwork Network, string Kind)[] Blocked =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (CGNAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("::/96"), "IPv4-compatible IPv6"),
    ];

    private static readonly IPNetwork[] Nat64 = [IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("64:ff9b:1::/48")];

    private readonly Func<IEnumerable<IPAddress>> _ownAddresses;

    public IReadOnlyList<IPNetwork> Allowed { get; }

    /// <param name="allowed">CIDRs probed even when the rules above refuse them.</param>
    /// <param name="ownAddresses">The agent's own addresses, asked at each check (interfaces come and go); default the host's interfaces.</param>
    public TargetPolicy(IEnumerable<IPNetwork> allowed, Func<IEnumerable<IPAddress>>? ownAddresses = null)
    {
        Allowed = [.. allowed];
        _ownAddresses = ownAddresses ?? InterfaceAddresses;
    }

    public static TargetPolicy Default { get; } = new([]);

    /// <summary>Parses CIDRs (a.b.c.d/n, v6/n; a bare address is a /32 or /128). Throws <see cref="FormatException"/> with one line.</summary>
    public static TargetPolicy Parse(IEnumerable<string> cidrs) => new(cidrs.Select(ParseCidr));

    public static IPNetwork ParseCidr(string text)
    {
        var trimmed = text.Trim();
        if (IPAddress.TryParse(trimmed, out var single) && !trimmed.Contains('/'))
            return new IPNetwork(Normalize(single), single.AddressFamily == AddressFamily.InterNetwork || single.IsIPv4MappedToIPv6 ? 32 : 128);
        var slash = trimmed.IndexOf('/');
        // host bits set (127.0.0.1/8) are refused, not silently widened: say what was meant
        if (!IPNetwork.TryParse(trimmed, out var network) || slash < 0
            || !IPAddress.TryParse(trimmed[..slash], out var given) || !given.Equals(network.BaseAddress))
            throw new FormatException($"--allow takes a CIDR such as 203.0.113.0/24 or 2001:db8::/32 (no host bits set), not '{text}'");
        return network;
    }

    /// <summary>Null when the address may be probed; otherwise why not, in one line.</summary>
    public string? Refusal(IPAddress address)
    {
        var a = Normalize(address);
        foreach (var allowed in Allowed)
            if (allowed.Contains(a))
                return null;
        foreach (var (network, kind) in Blocked)
            if (network.Contains(a))
                return $"{a} is {(kind[0] is 'u' or 'I' ? "an" : "a")} {kind} address ({network}); this agent probes it only when started with --allow covering it";
        if (_ownAddresses().Any(own => Normalize(own).Equals(a)))
            return $"{a} is one of this agent's own addresses; this agent probes it only when started with --allow covering it";
        foreach (var nat64 in Nat64)
            if (nat64.Contains(a) && Refusal(Embedded(a)) is { } why)
                return $"{a} is a NAT64 address ({nat64}) for {Embedded(a)}: {why}";
        return null;
    }

    /// <summary>Without a scope id (fe80::1%2 is fe80::1), and an IPv4-mapped address as the IPv4 address.</summary>
    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }

    /// <summary>The IPv4 address in the last 32 bits (RFC 6052 2.2, a /96 prefix, as NAT64 gateways use it).</summary>
    private static IPAddress Embedded(IPAddress nat64) => new(nat64.GetAddressBytes()[12..]);

    private static IEnumerable<IPAddress> InterfaceAddresses()
    {
        try
        {
            return [.. System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address)];
        }
        catch (System.Net.NetworkInformation.NetworkInformationException)
        {
            return [];
        }
    }
}
