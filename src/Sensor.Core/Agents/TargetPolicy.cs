using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Agents;

/// <summary>
/// Which addresses an agent may probe. Private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7),
/// loopback (127/8, ::1), link-local (169.254/16, fe80::/10) and unspecified addresses are refused
/// unless inside an explicit allow-list CIDR; everything else is allowed. Checked per address,
/// after DNS resolution, so a public name that resolves to 127.0.0.1 is refused too. IPv4-mapped
/// IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address they carry.
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
    ];

    public IReadOnlyList<IPNetwork> Allowed { get; }

    public TargetPolicy(IEnumerable<IPNetwork> allowed) => Allowed = [.. allowed];

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
                return $"{a} is a {kind} address ({network}); this agent probes it only when started with --allow covering it";
        return null;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
