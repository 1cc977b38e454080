using System.Net;
using Sensor.Core.Agents;

namespace Sensor.Tests.Agents;

public class TargetPolicyTests
{
    [Theory]
    [InlineData("10.0.0.0", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("100.127.255.255", "shared (CGNAT)")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fc00::1", "private")]
    [InlineData("fdff:ffff::1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:192.168.0.1", "private")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("feff::1", "site-local")]
    [InlineData("::2", "IPv4-compatible IPv6")]
    [InlineData("::127.0.0.1", "IPv4-compatible IPv6")]
    [InlineData("::8.8.8.8", "IPv4-compatible IPv6")]
    [InlineData("fe80::1%2", "link-local")]
    public void RefusesNonPublicAddressesByDefault(string address, string kind)
    {
        var why = TargetPolicy.Default.Refusal(IPAddress.Parse(address));
        Assert.NotNull(why);
        Assert.Contains($"is {(kind[0] is 'u' or 'I' ? "an" : "a")} {kind} address", why);
        Assert.Contains("--allow", why);
    }

    [Theory]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("8.8.8.8")]
    [InlineData("2001:db8::1")]
    [InlineData("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("fe00::1")]
    [InlineData("::ffff:8.8.8.8")]
    public void AllowsPublicAddresses(string address) =>
        Assert.Null(TargetPolicy.Default.Refusal(IPAddress.Parse(address)));

    [Fact]
    public void AllowListOpensExactlyItsRange()
    {
        var policy = TargetPolicy.Parse(["127.0.0.0/8", "fd00:1::/64"]);
        Assert.Null(policy.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("127.200.0.9")));
        Assert.Null(policy.Refusal(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("fd00:1::25")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("fd00:2::25")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("::1")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public void BareAddressIsOneHost()
    {
        var policy = TargetPolicy.Parse(["192.168.1.10", "::1"]);
        Assert.Null(policy.Refusal(IPAddress.Parse("192.168.1.10")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("192.168.1.11")));
        Assert.Null(policy.Refusal(IPAddress.Parse("::1")));
        Assert.Equal("192.168.1.10/32", policy.Allowed[0].ToString());
        Assert.Equal("::1/128", policy.Allowed[1].ToString());
    }

    [Theory]
    [InlineData("127.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("example.org/24")]
    [InlineData("")]
    public void BadCidrsAreOneClearError(string cidr)
    {
        var e = Assert.Throws<FormatException>(() => TargetPolicy.Parse([cidr]));
        Assert.Contains("--allow takes a CIDR", e.Message);
    }

    [Theory]
    [InlineData("64:ff9b::7f00:1", "64:ff9b::/96", "127.0.0.1", "loopback")]
    [InlineData("64:ff9b::10.1.2.3", "64:ff9b::/96", "10.1.2.3", "private")]
    [InlineData("64:ff9b:1::c0a8:1", "64:ff9b:1::/48", "192.168.0.1", "private")]
    public void Nat64AddressesAreJudgedAsTheIpv4AddressTheyCarry(string address, string prefix, string ipv4, string kind)
    {
        var why = TargetPolicy.Default.Refusal(IPAddress.Parse(address));
        Assert.StartsWith($"{IPAddress.Parse(address)} is a NAT64 address ({prefix}) for {ipv4}: {ipv4} is a {kind} address", why);
        Assert.Null(TargetPolicy.Default.Refusal(IPAddress.Parse("64:ff9b::808:808")));
    }

    [Fact]
    public void TheAgentsOwnAddressesAreRefusedUnlessAllowed()
    {
        IPAddress[] own = [IPAddress.Parse("203.0.113.7"), IPAddress.Parse("2001:db8::7")];
        var policy = new TargetPolicy([], () => own);
        Assert.Equal("203.0.113.7 is one of this agent's own addresses; this agent probes it only when started with --allow covering it",
            policy.Refusal(IPAddress.Parse("203.0.113.7")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("2001:db8::7")));
        Assert.Null(policy.Refusal(IPAddress.Parse("203.0.113.8")));
        Assert.Null(new TargetPolicy([IPNetwork.Parse("203.0.113.0/24")], () => own).Refusal(IPAddress.Parse("203.0.113.7")));
    }
}
