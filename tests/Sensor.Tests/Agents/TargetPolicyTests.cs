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
    public void RefusesNonPublicAddressesByDefault(string address, string kind)
    {
        var why = TargetPolicy.Default.Refusal(IPAddress.Parse(address));
        Assert.NotNull(why);
        Assert.Contains($"is a {kind} address", why);
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
    [InlineData("fec0::1")]
    [InlineData("::2")]
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
}
