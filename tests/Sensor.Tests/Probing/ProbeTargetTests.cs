using System.Net;
using Sensor.Core.Probing;

namespace Sensor.Tests.Probing;

public class ProbeTargetTests
{
    [Fact]
    public void HostWithoutPortUsesTheSelectionsDefaultPorts()
    {
        Assert.Equal([25], ProbeTarget.Parse("mx.example.org", null).Select(t => t.Port));
        var submission = ProbeTarget.Parse("mx.example.org", ProbeSelection.Submission);
        Assert.Equal([(587, false), (465, true)], submission.Select(t => (t.Port, t.ImplicitTls)));
        Assert.Equal([143, 993], ProbeTarget.Parse("h", ProbeSelection.Imap).Select(t => t.Port));
        Assert.Equal([110, 995], ProbeTarget.Parse("h", ProbeSelection.Pop3).Select(t => t.Port));
        Assert.Equal([25, 587, 465, 143, 993, 110, 995], ProbeTarget.Parse("h", ProbeSelection.All).Select(t => t.Port));
    }

    [Fact]
    public void PortGivesTheProtocolUnlessProtoSaysOtherwise()
    {
        var imaps = Assert.Single(ProbeTarget.Parse("127.0.0.1:993", null));
        Assert.Equal((ProbeProtocol.Imap, true), (imaps.Protocol, imaps.ImplicitTls));
        Assert.Equal(ProbeProtocol.Pop3, Assert.Single(ProbeTarget.Parse("127.0.0.1:110", ProbeSelection.All)).Protocol);
        Assert.Equal(ProbeProtocol.Smtp, Assert.Single(ProbeTarget.Parse("127.0.0.1:2625", ProbeSelection.Smtp)).Protocol);
        Assert.Equal(ProbeProtocol.Imap, Assert.Single(ProbeTarget.Parse("127.0.0.1:10143", ProbeSelection.Imap)).Protocol);
    }

    [Fact]
    public void Ipv6FormsAreAccepted()
    {
        var bracketed = Assert.Single(ProbeTarget.Parse("[::1]:587", null));
        Assert.Equal(("::1", 587, "[::1]:587"), (bracketed.Host, bracketed.Port, bracketed.Display));
        Assert.Equal([25], ProbeTarget.Parse("::1", null).Select(t => t.Port));
        Assert.Equal([143, 993], ProbeTarget.Parse("[2001:db8::1]", ProbeSelection.Imap).Select(t => t.Port));
    }

    [Theory]
    [InlineData("127.0.0.1:2600", "cannot tell the protocol of port 2600")]
    [InlineData("host:0", "port must be a number from 1 to 65535")]
    [InlineData("host:70000", "port must be a number from 1 to 65535")]
    [InlineData("host:25x", "port must be a number")]
    [InlineData("bad host!", "is not a host name or IP address")]
    [InlineData("", "empty target")]
    [InlineData("[::1", "not a valid [IPv6]:port")]
    [InlineData("a:b:c", "not a valid IPv6 address")]
    public void BadTargetsSayWhy(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => ProbeTarget.Parse(text, null)).Message);

    [Theory]
    [InlineData("smtp", ProbeSelection.Smtp)]
    [InlineData("SUBMISSION", ProbeSelection.Submission)]
    [InlineData("all", ProbeSelection.All)]
    public void SelectionsParse(string text, ProbeSelection expected)
    {
        Assert.True(ProbeTarget.TryParseSelection(text, out var selection));
        Assert.Equal(expected, selection);
        Assert.False(ProbeTarget.TryParseSelection("3", out _));
        Assert.False(ProbeTarget.TryParseSelection("http", out _));
    }

    [Fact]
    public void PinnedAddressIsKept() =>
        Assert.Equal(IPAddress.Loopback, (Assert.Single(ProbeTarget.Parse("mail.example.test:25", null)) with { Address = IPAddress.Loopback }).Address);
}
