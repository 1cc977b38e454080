using System.Net;
using Sensor.Core.Probing.Locate;

namespace Sensor.Tests.Probing.Locate;

/// <summary>
/// ICMP errors as routers sent them: captured with tcpdump in the namespace lab of locate-lab.sh while
/// `sensor probe --locate` walked it (Linux routers, one TTL-limited SYN each), link layer removed.
/// </summary>
public class IcmpQuoteTests
{
    /// <summary>Router 1 (10.9.0.1) to 10.9.0.2: time exceeded in transit for the SYN 10.9.0.2:46629 -> 10.9.3.1:25, as a raw IPv4 socket receives it.</summary>
    private static readonly byte[] TimeExceededV4 = Convert.FromHexString(
        "45c000582997000040013c3a0a0900010a0900020b00d25f000000004500003cb91040000106a997"
        + "0a0900020a090301b6250019ef0630c100000000a002faf017430000020405b40402080ab6eecba2000000000103030a");

    /// <summary>Router 1 (fd09::1) to fd09::2: ICMPv6 time exceeded for the SYN [fd09::2]:38753 -> [fd09:0:0:3::1]:25, as a raw ICMPv6 socket receives it (no IPv6 header).</summary>
    private static readonly byte[] TimeExceededV6 = Convert.FromHexString(
        "03006be600000000"
        + "6006c42c00280601fd090000000000000000000000000002fd090000000000030000000000000001"
        + "97610019d958436e00000000a002fd20fa470000020405a00402080a17acf6e3000000000103030a");

    [Fact]
    public void ReadsTheRouterAndTheQuotedSynOfAnIpv4TimeExceeded()
    {
        Assert.True(IcmpQuote.TryParseV4(TimeExceededV4, out var quote));
        Assert.Equal((IPAddress.Parse("10.9.0.1"), (byte)11, (byte)0, (byte)6, IPAddress.Parse("10.9.0.2"), IPAddress.Parse("10.9.3.1"), (ushort)46629, (ushort)25),
            (quote.From, quote.Type, quote.Code, quote.QuotedProtocol, quote.QuotedSource, quote.QuotedDestination, quote.QuotedSourcePort, quote.QuotedDestinationPort));
        Assert.True(quote.IsTimeExceeded(v6: false));
    }

    [Fact]
    public void ReadsTheRouterAndTheQuotedSynOfAnIcmpv6TimeExceeded()
    {
        Assert.True(IcmpQuote.TryParseV6(TimeExceededV6, IPAddress.Parse("fd09::1"), out var quote));
        Assert.Equal((IPAddress.Parse("fd09::1"), (byte)3, (byte)0, (byte)6, IPAddress.Parse("fd09::2"), IPAddress.Parse("fd09:0:0:3::1"), (ushort)38753, (ushort)25),
            (quote.From, quote.Type, quote.Code, quote.QuotedProtocol, quote.QuotedSource, quote.QuotedDestination, quote.QuotedSourcePort, quote.QuotedDestinationPort));
        Assert.True(quote.IsTimeExceeded(v6: true));
    }

    /// <summary>Outer IPv4 header (20) + ICMP header (8) + quoted IPv4 header (20) + the ports (4): anything shorter is not read.</summary>
    [Fact]
    public void AnIpv4ErrorCutBeforeTheQuotedPortsIsNotRead()
    {
        for (var length = 0; length < 52; length++)
            Assert.False(IcmpQuote.TryParseV4(TimeExceededV4.AsSpan(0, length), out _), $"{length} bytes");
        Assert.True(IcmpQuote.TryParseV4(TimeExceededV4.AsSpan(0, 52), out var quote));
        Assert.Equal(46629, quote.QuotedSourcePort);
    }

    [Fact]
    public void AnIcmpv6ErrorCutBeforeTheQuotedPortsIsNotRead()
    {
        for (var length = 0; length < 52; length++)
            Assert.False(IcmpQuote.TryParseV6(TimeExceededV6.AsSpan(0, length), IPAddress.Parse("fd09::1"), out _), $"{length} bytes");
        Assert.True(IcmpQuote.TryParseV6(TimeExceededV6.AsSpan(0, 52), IPAddress.Parse("fd09::1"), out _));
    }

    [Theory]
    [InlineData(20, 0x00, "echo reply: quotes nothing")]
    [InlineData(20, 0x08, "echo request")]
    [InlineData(9, 0x11, "outer protocol UDP, not ICMP")]
    [InlineData(0, 0x44, "IHL of 4 words, below the minimum of 5")]
    [InlineData(0, 0x65, "version 6 in an IPv4 header")]
    [InlineData(28, 0x55, "quoted header of version 5")]
    public void WhatIsNotAnIpv4ErrorQuotingADatagramIsNotRead(int offset, byte value, string why) =>
        Assert.False(IcmpQuote.TryParseV4(With(TimeExceededV4, offset, value), out _), why);

    [Theory]
    [InlineData(0, 0x81, "echo reply")]
    [InlineData(0, 0x87, "neighbour solicitation")]
    [InlineData(8, 0x40, "quoted header of version 4")]
    public void WhatIsNotAnIcmpv6ErrorQuotingADatagramIsNotRead(int offset, byte value, string why) =>
        Assert.False(IcmpQuote.TryParseV6(With(TimeExceededV6, offset, value), IPAddress.Parse("fd09::1"), out _), why);

    [Fact]
    public void ADestinationUnreachableIsReadAsUnreachable()
    {
        // type 3 code 13: communication administratively prohibited (RFC 1812 §5.2.7.1)
        var bytes = With(With(TimeExceededV4, 20, IcmpQuote.UnreachableV4), 21, 13);
        Assert.True(IcmpQuote.TryParseV4(bytes, out var quote));
        Assert.Equal((false, IcmpQuote.UnreachableV4, (byte)13), (quote.IsTimeExceeded(v6: false), quote.Type, quote.Code));
    }

    /// <summary>A copy of <paramref name="bytes"/> with one byte changed.</summary>
    private static byte[] With(byte[] bytes, int offset, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[offset] = value;
        return copy;
    }
}
