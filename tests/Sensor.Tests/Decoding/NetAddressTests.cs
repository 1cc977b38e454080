using System.Net;
using Sensor.Core.Decoding;
using Xunit;

namespace Sensor.Tests.Decoding;

public class NetAddressTests
{
    [Theory]
    [InlineData("192.0.2.25", "192.0.2.25")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")]
    [InlineData("::ffff:192.0.2.25", "::ffff:192.0.2.25")]
    public void ReadFromWireBytes_GivesTheSameAddressBack(string text, string expected)
    {
        var ip = IPAddress.Parse(text);
        var address = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? NetAddress.FromV4(ip.GetAddressBytes())
            : NetAddress.FromV6(ip.GetAddressBytes());
        Assert.Equal(expected, address.ToString());
        Assert.Equal(ip, address.ToIPAddress());
        Assert.Equal(address, NetAddress.FromIPAddress(ip));
        Assert.Equal(address, new NetAddress(address.Value, address.IsV6));
    }

    [Fact]
    public void Value_IsTheAddressAsOneBigEndianNumber()
    {
        Assert.Equal((UInt128)0xC000_0219, NetAddress.FromV4([192, 0, 2, 25]).Value);
        var v6 = NetAddress.FromV6(IPAddress.Parse("2001:db8::1:2").GetAddressBytes());
        Assert.Equal(new UInt128(0x2001_0db8_0000_0000, 0x0000_0000_0001_0002), v6.Value);
    }

    [Fact]
    public void TheSameValueAsIpv4AndAsIpv6_AreDifferentAddresses()
    {
        var v4 = NetAddress.FromV4([1, 2, 3, 4]);
        var v6 = new NetAddress(v4.Value, isV6: true);
        Assert.NotEqual(v4, v6);
        Assert.NotEqual(new Endpoint(v4, 25), new Endpoint(v6, 25));
        Assert.Equal("::1.2.3.4", v6.ToString());
    }
}
