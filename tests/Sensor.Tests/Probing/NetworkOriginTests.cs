using System.Net;
using Sensor.Core.Probing.Dns;

namespace Sensor.Tests.Probing;

/// <summary>Naming the network a test runs from: the TXT formats of Google's myaddr and Team Cymru's IP-to-ASN service.</summary>
public class NetworkOriginNamesTests
{
    [Fact]
    public void TheClientSubnetWinsOverTheResolversAddress() =>
        Assert.Equal(IPAddress.Parse("192.0.2.0"), NetworkOriginNames.MyAddress(["198.51.100.53", "edns0-client-subnet 192.0.2.0/24"]));

    [Theory]
    [InlineData("192.0.2.1", "1.2.0.192.origin.asn.cymru.com")]
    [InlineData("::ffff:198.51.100.7", "7.100.51.198.origin.asn.cymru.com")]
    [InlineData("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru.com")]
    public void OriginNameIsTheReversedAddress(string address, string name) =>
        Assert.Equal(name, NetworkOriginNames.OriginName(IPAddress.Parse(address)));

    [Fact]
    public void WithoutASubnetTheAddressIsTheOneGiven_AndGarbageIsNone()
    {
        Assert.Equal(IPAddress.Parse("2001:db8::53"), NetworkOriginNames.MyAddress(["2001:db8::53"]));
        Assert.Null(NetworkOriginNames.MyAddress(["not an address", "edns0-client-subnet nonsense"]));
        Assert.Null(NetworkOriginNames.MyAddress([]));
    }

    [Fact]
    public void OriginTakesTheFirstAsThePrefixAndTheCountry()
    {
        Assert.Equal((64500, "192.0.2.0/24", "NL"), NetworkOriginNames.Origin("64500 64501 | 192.0.2.0/24 | nl | ripencc | 2001-01-01"));
        Assert.Equal((64500, "2001:db8::/32", null), NetworkOriginNames.Origin("64500 | 2001:db8::/32 | | ripencc |"));
        Assert.Null(NetworkOriginNames.Origin("NA | 192.0.2.0/24"));
        Assert.Null(NetworkOriginNames.Origin("64500 | not a prefix | NL"));
        Assert.Null(NetworkOriginNames.Origin("64500"));
    }

    [Fact]
    public void NameIsTheLastFieldPrintableAndCut()
    {
        Assert.Equal("EXAMPLE-NET - Example Networks, NL", NetworkOriginNames.Name("64500 | NL | ripencc | 2001-01-01 | EXAMPLE-NET - Example Networks, NL"));
        Assert.Equal("EVIL[2J|NAME", NetworkOriginNames.Name("64500 | NL | ripencc | 2001-01-01 | EVIL\u001b[2J|NAME"));
        var cut = NetworkOriginNames.Name("64500 | NL | ripencc | 2001-01-01 | " + new string('A', 200))!;
        Assert.Equal(NetworkOriginNames.MaxNameLength + 1, cut.Length);
        Assert.EndsWith("A\u2026", cut);
        Assert.Null(NetworkOriginNames.Name("64500 | NL | ripencc | 2001-01-01 | "));
        Assert.Null(NetworkOriginNames.Name("64500 | NL"));
    }

    [Fact]
    public void TheLabelSaysWhatIsKnown()
    {
        Assert.Equal("AS64500 EXAMPLE-NET", new NetworkOrigin("192.0.2.1", 64500, "EXAMPLE-NET", null, null).AsLabel);
        Assert.Equal("AS64500", new NetworkOrigin("192.0.2.1", 64500, null, null, null).AsLabel);
        Assert.Null(new NetworkOrigin("192.0.2.1", null, null, null, null).AsLabel);
    }
}

/// <summary>The lookup itself, over DNS to the real unbound of <see cref="UnboundServer"/> on loopback (it answers the three names; nothing leaves the machine).</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class NetworkOriginLookupTests(UnboundServer dns) : IClassFixture<UnboundServer>
{
    [Fact]
    public async Task NamesThePublicAddressAndItsAs()
    {
        var origin = await NetworkOriginLookup.LookupAsync(new MailDns(dns.Endpoint, TimeSpan.FromSeconds(2)), default);
        Assert.Equal(new NetworkOrigin("192.0.2.1", 64500, "EXAMPLE-NET - Example Networks, NL", "192.0.2.0/24", "NL"), origin);
    }

    [Fact]
    public async Task NoAnswerIsNoName_NotAnError()
    {
        // a loopback port where nothing answers DNS: every question times out
        var silent = new IPEndPoint(IPAddress.Parse("127.0.0.86"), ProbeTestSupport.FreePort(IPAddress.Parse("127.0.0.86")));
        Assert.Null(await NetworkOriginLookup.LookupAsync(new MailDns(silent, TimeSpan.FromMilliseconds(300)), default));
    }
}
