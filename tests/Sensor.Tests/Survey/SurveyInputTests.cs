using Sensor.Core.Probing;
using Sensor.Core.Survey;

namespace Sensor.Tests.Survey;

public class SurveyInputTests
{
    [Fact]
    public void CommentsBlanksAndRepeatsAreDropped()
    {
        var input = SurveyInput.Parse("# list\r\nexample.org\r\n\r\n  Example.ORG.  # again\n127.0.0.1:25\nmx.example.net:2525 # a host\n\t\n");
        Assert.Equal(["example.org", "127.0.0.1:25", "mx.example.net:2525"], input.Entries);
    }

    [Fact]
    public void DomainIsMailDomainAndHostPortIsSmtpHost()
    {
        var domain = SurveyInput.TargetOf("example.org");
        Assert.True(domain.IsMailDomain);
        Assert.Equal(25, domain.Port);
        var host = SurveyInput.TargetOf("mx.example.net:2525");
        Assert.False(host.IsMailDomain);
        Assert.Equal((2525, ProbeProtocol.Smtp), (host.Port, host.Protocol));
    }

    [Theory]
    [InlineData("example.org\nbad_host!\n", "line 2: bad_host!: 'bad_host!' is not a host name or IP address")]
    [InlineData("a.example b.example\n", "line 1: one domain or host a line, not 'a.example b.example'")]
    [InlineData("\n\nexample.org:0\n", "line 3: example.org:0: port must be a number from 1 to 65535")]
    public void BadLineNamesItsNumber(string text, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => SurveyInput.Parse(text)).Message);

    [Fact]
    public void SurveyIdIsStable()
    {
        var a = SurveyInput.Parse("example.org\nexample.net\n");
        Assert.Equal("survey-cbcb08ece2b49fd0", a.Id("local"));
        Assert.Equal(a.Id("local"), SurveyInput.Parse("# comment\nEXAMPLE.org\n\nexample.net # x\nexample.org\n").Id("local"));
        Assert.NotEqual(a.Id("local"), a.Id("abroad"));
        Assert.NotEqual(a.Id("local"), SurveyInput.Parse("example.net\nexample.org\n").Id("local"));
        Assert.NotEqual(a.Id("local"), SurveyInput.Parse("example.org\n").Id("local"));
    }
}
