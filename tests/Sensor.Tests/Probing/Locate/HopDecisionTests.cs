using Sensor.Core.Probing.Locate;

namespace Sensor.Tests.Probing.Locate;

/// <summary>The hop decision over walks as the namespace lab gives them (postfix's greeting and EHLO list, the strip proxy's).</summary>
public class HopDecisionTests
{
    private const string Banner = "220 mail.example.test ESMTP Postfix (Debian/GNU)";
    private static readonly string[] Postfix = ["PIPELINING", "SIZE 20480000", "VRFY", "ETRN", "STARTTLS", "AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"];

    private static HopMailAnswer Answer(string banner, IEnumerable<string> capabilities) =>
        new() { Banner = banner, Capabilities = [.. capabilities], StarttlsOffered = capabilities.Contains("STARTTLS") };

    private static readonly HopMailAnswer Server = Answer(Banner, Postfix);
    private static readonly HopMailAnswer Stripped = Answer(Banner, Postfix.Where(c => c != "STARTTLS"));

    private static LocatedPath Walk(params (string? Address, string Answer)[] hops) =>
        new() { Hops = [.. hops.Select((h, i) => new LocateHop { Hop = i + 1, Address = h.Address, Answer = h.Answer })] };

    private static LocatedPath Decide(LocatedPath path, HopMailAnswer? answer, HopMailAnswer? reference)
    {
        path.Answer = answer;
        HopDecision.Apply(path, HopDecision.Judge(path.Hops, answer, reference));
        return path;
    }

    [Fact]
    public void AnAnswerWithoutStarttlsMarksTheBoxHopWithTheRoutersBeforeIt()
    {
        var path = Walk(("10.9.0.1", HopAnswer.TimeExceeded), ("10.9.1.1", HopAnswer.TimeExceeded), ("10.9.3.1", HopAnswer.SynAck));
        (path.BoxAddress, path.OtherPort) = ("10.9.2.1", HopAnswer.TimeExceeded);
        Decide(path, Stripped, Stripped);
        Assert.Equal((3, (int?)null), (path.BoxHop, path.ServerHop));
        Assert.Equal("the answer without STARTTLS first appears at hop 3 (10.9.2.1); hops before it: 1 10.9.0.1, 2 10.9.1.1", path.Summary);
    }

    /// <summary>Port 9 answered at the same hop: the server's address itself answers there, so the box may rewrite in flight before it.</summary>
    [Theory]
    [InlineData(HopAnswer.SynAck)]
    [InlineData(HopAnswer.Reset)]
    public void AStrippedAnswerWhereTheServersAddressAnswersAnyPortSaysSo(string otherPort)
    {
        var path = Walk(("10.9.0.1", HopAnswer.TimeExceeded), ("10.9.1.1", HopAnswer.SynAck));
        path.OtherPort = otherPort;
        Decide(path, Stripped, Server);
        Assert.Equal((2, (int?)null, (string?)null), (path.BoxHop, path.ServerHop, path.BoxAddress));
        Assert.Equal("the answer without STARTTLS first appears at hop 2, where the server's address answers any port (the server's own hop or a box that takes every port; "
            + "a box rewriting in flight sits anywhere up to it); hops before it: 1 10.9.0.1", path.Summary);
    }

    [Fact]
    public void TheServersOwnAnswerIsTheServerHopAndNoBox()
    {
        var path = Decide(Walk(("10.9.0.1", HopAnswer.TimeExceeded), (null, HopAnswer.None), ("10.9.2.1", HopAnswer.TimeExceeded), ("10.9.3.1", HopAnswer.SynAck)), Server, Server);
        Assert.Equal(((int?)null, 4), (path.BoxHop, path.ServerHop));
        Assert.Equal("the server's own answer (STARTTLS offered) first comes at hop 4: no box answers in its place before it; hops before it: 1 10.9.0.1, 2 *, 3 10.9.2.1", path.Summary);
    }

    /// <summary>A box that keeps STARTTLS but answers with its own greeting: told apart only by the server's answer from elsewhere.</summary>
    [Fact]
    public void AnotherGreetingThanTheServersMarksTheBoxHop()
    {
        var box = Answer("220 relay.example.test ESMTP", Postfix);
        var path = Decide(Walk(("10.9.0.1", HopAnswer.TimeExceeded), ("10.9.3.1", HopAnswer.SynAck)), box, Server);
        Assert.Equal((2, (int?)null), (path.BoxHop, path.ServerHop));
        Assert.StartsWith("another greeting or capability list than the server's first appears at hop 2; hops before it: 1 10.9.0.1", path.Summary);
        Assert.Equal(HopVerdict.Server, HopDecision.Judge(path.Hops, box, box));
    }

    [Fact]
    public void TheSameCapabilitiesInAnotherOrderAndCaseAreTheSameAnswer()
    {
        var shuffled = Answer(Banner, Postfix.Reverse().Select(c => c.ToLowerInvariant()));
        shuffled.StarttlsOffered = true;
        Assert.True(HopDecision.SameAnswer(shuffled, Server));
        Assert.False(HopDecision.SameAnswer(Stripped, Server));
    }

    [Fact]
    public void NothingAnsweringIsNeitherBoxNorServer()
    {
        var path = Decide(Walk(("10.9.0.1", HopAnswer.TimeExceeded), (null, HopAnswer.None)), null, Server);
        Assert.Equal(((int?)null, (int?)null), (path.BoxHop, path.ServerHop));
        Assert.Equal("nothing answered the SYN within 2 hops; hops seen: 1 10.9.0.1, 2 *", path.Summary);
    }

    [Fact]
    public void AResetOrAnUnreadableAnswerPlacesNothing()
    {
        var reset = Decide(Walk(("10.9.0.1", HopAnswer.TimeExceeded), ("10.9.3.1", HopAnswer.Reset)), null, Server);
        Assert.Equal(((int?)null, (int?)null, "a TCP reset first comes at hop 2; hops before it: 1 10.9.0.1"), (reset.BoxHop, reset.ServerHop, reset.Summary));
        var unread = new HopMailAnswer { Error = "timeout waiting for the greeting (10 s)" };
        var silent = Decide(Walk(("10.9.3.1", HopAnswer.SynAck)), unread, Server);
        Assert.Equal(((int?)null, (int?)null), (silent.BoxHop, silent.ServerHop));
        Assert.Equal("something answers the SYN at hop 1 but its greeting and capabilities could not be read (timeout waiting for the greeting (10 s)); hops before it: none", silent.Summary);
    }
}
