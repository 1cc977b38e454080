using System.Net;
using Sensor.Core.Probing.Socks;

namespace Sensor.Tests.Probing.Socks;

/// <summary>The SOCKS5 client's bytes (RFC 1928) against the layouts of §3, §4 and §6.</summary>
public class Socks5MessagesTests
{
    private static byte[] Connect(string host, int port)
    {
        var buffer = new byte[Socks5Messages.MaxRequestBytes];
        return buffer[..Socks5Messages.WriteConnect(buffer, host, port)];
    }

    [Fact]
    public void TheGreetingOffersNoAuthenticationOnly() => Assert.Equal([5, 1, 0], Socks5Messages.Greeting.ToArray());

    [Fact]
    public void ANameGoesToTheProxyAsADomainName_SoTheProxyResolvesIt()
    {
        // VER CMD RSV ATYP=3 LEN "mx.example.org" PORT=25
        Assert.Equal([5, 1, 0, 3, 14, .. "mx.example.org"u8.ToArray(), 0, 25], Connect("mx.example.org.", 25));
    }

    [Fact]
    public void AddressesGoAsAddresses()
    {
        Assert.Equal([5, 1, 0, 1, 10, 78, 0, 1, 0x01, 0xD1], Connect("10.78.0.1", 465));
        Assert.Equal([5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, .. new byte[11], 1, 0, 110], Connect("2001:db8::1", 110));
    }

    [Fact]
    public void ANameLongerThan255BytesIsRefused() =>
        Assert.Throws<ArgumentException>(() => Connect(new string('a', 256), 25));

    [Fact]
    public void TheChosenMethodIsReadFromTwoBytes()
    {
        Assert.Equal((byte)0, Socks5Messages.ChosenMethod([5, 0]));
        Assert.Equal((byte)0xFF, Socks5Messages.ChosenMethod([5, 0xFF]));
        Assert.Null(Socks5Messages.ChosenMethod([4, 0]));
        Assert.Null(Socks5Messages.ChosenMethod("HT"u8));
    }

    private static readonly byte[] Succeeded = [5, 0, 0, 1, 10, 78, 2, 2, 0xC3, 0x50];

    [Fact]
    public void ASuccessfulReplyGivesTheBoundAddress_TheProxysExit()
    {
        Assert.Equal(Socks5ReadStatus.Parsed, Socks5Messages.ReadReply([.. Succeeded, (byte)'2', (byte)'2', (byte)'0'], out var reply, out var consumed));
        Assert.Equal((true, IPAddress.Parse("10.78.2.2"), 50000, 10), (reply.Succeeded, reply.BoundAddress, reply.BoundPort, consumed));
    }

    [Fact]
    public void EveryPrefixOfAReplyNeedsMoreAndConsumesNothing()
    {
        byte[] named = [5, 4, 0, 3, 4, (byte)'e', (byte)'x', (byte)'i', (byte)'t', 0, 0];
        foreach (var whole in new[] { Succeeded, named })
            for (var length = 0; length < whole.Length; length++)
            {
                Assert.Equal(Socks5ReadStatus.NeedMore, Socks5Messages.ReadReply(whole.AsSpan(0, length), out _, out var consumed));
                Assert.Equal(0, consumed);
            }
        Assert.Equal(Socks5ReadStatus.Parsed, Socks5Messages.ReadReply(named, out var reply, out _));
        Assert.Equal(((byte)4, "exit", (IPAddress?)null), (reply.Code, reply.BoundName, reply.BoundAddress));
        Assert.Equal("host unreachable", Socks5Messages.Describe(reply.Code));
    }

    [Theory]
    [InlineData(new byte[] { 4, 0, 0, 1, 0, 0, 0, 0, 0, 0 })] // SOCKS4's version
    [InlineData(new byte[] { 5, 0, 1, 1, 0, 0, 0, 0, 0, 0 })] // RSV not zero
    [InlineData(new byte[] { 5, 0, 0, 9, 0, 0, 0, 0, 0, 0 })] // no such address type
    [InlineData(new byte[] { 0x48, 0x54, 0x54, 0x50, 0x2f })] // "HTTP/": not a SOCKS server
    public void AReplyThatIsNotSocks5IsMalformed(byte[] bytes)
    {
        Assert.Equal(Socks5ReadStatus.Malformed, Socks5Messages.ReadReply(bytes, out _, out var consumed));
        Assert.Equal(0, consumed);
    }
}

/// <summary>What --via takes for a proxy, and the vantage name its records carry.</summary>
public class SocksProxyTests
{
    [Theory]
    [InlineData("tor", "127.0.0.1", 9050, "socks5://127.0.0.1:9050")]
    [InlineData("socks5://10.78.4.1:1080", "10.78.4.1", 1080, "socks5://10.78.4.1:1080")]
    [InlineData("SOCKS5://proxy.example.org:1080/", "proxy.example.org", 1080, "socks5://proxy.example.org:1080")]
    [InlineData("socks5://[2001:db8::5]:1080", "2001:db8::5", 1080, "socks5://[2001:db8::5]:1080")]
    public void ParsesTorAndSocks5Urls(string via, string host, int port, string name)
    {
        Assert.True(SocksProxy.IsProxy(via));
        var proxy = SocksProxy.Parse(via);
        Assert.Equal((host, port, name), (proxy.Host, proxy.Port, proxy.Name));
    }

    [Theory]
    [InlineData("socks5://10.78.4.1")]
    [InlineData("socks5://10.78.4.1:0")]
    [InlineData("socks5://10.78.4.1:70000")]
    [InlineData("socks5://:1080")]
    [InlineData("socks5://2001:db8::5:1080")]
    public void RefusesWhatIsNotHostAndPort(string via)
    {
        var error = Assert.Throws<FormatException>(() => SocksProxy.Parse(via));
        Assert.Equal($"--via takes an agent name, tor or socks5://HOST:PORT, not '{via}'", error.Message);
    }

    [Fact]
    public void AUserAndPasswordAreRefusedWithoutRepeatingThem()
    {
        var error = Assert.Throws<FormatException>(() => SocksProxy.Parse("socks5://user:secret@10.78.4.1:1080"));
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAgentsNameIsNotAProxy() => Assert.False(SocksProxy.IsProxy("vps-fra"));
}
