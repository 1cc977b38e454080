using Sensor.Core.Probing.Dns;

namespace Sensor.Tests.Probing;

public class MtaStsPolicyTests
{
    [Fact]
    public void ParsesAPolicyWithCrLfAndSeveralMx()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n", out var error);
        Assert.Null(error);
        Assert.NotNull(policy);
        Assert.Equal(("STSv1", "enforce", 604800L), (policy.Version, policy.Mode, policy.MaxAge));
        Assert.Equal(["mail.example.com", "*.example.net", "backupmx.example.com"], policy.Mx);
        Assert.True(policy.MatchesMx("mail.example.com."));
        Assert.True(policy.MatchesMx("MX1.example.net"));
        Assert.False(policy.MatchesMx("a.b.example.net"));
        Assert.False(policy.MatchesMx("example.net"));
        Assert.False(policy.MatchesMx("evil-mail.example.com"));
    }

    [Fact]
    public void ModeNoneNeedsNoMxAndUnknownKeysAreIgnored()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\nmode: none\nmax_age: 0\nfuture_key: x\n", out var error);
        Assert.Null(error);
        Assert.Equal("none", policy!.Mode);
        Assert.Equal(MtaStsPolicy.MaxAgeLimit, MtaStsPolicy.Parse($"version: STSv1\nmode: testing\nmx: a.test\nmax_age: {MtaStsPolicy.MaxAgeLimit}\n", out _)!.MaxAge);
    }

    [Theory]
    [InlineData("mode: enforce\nmx: a.test\nmax_age: 1\n", "no version field")]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n", "version 'STSv2' is not STSv1")]
    [InlineData("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n", "mode 'strict' is not enforce, testing or none")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\n", "no max_age field")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601\n", "max_age '31557601' is not a number of seconds from 0 to 31557600")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -5\n", "max_age '-5' is not a number of seconds from 0 to 31557600")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 86400\n", "no mx field")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.*.example.com\nmax_age: 86400\n", "mx 'mail.*.example.com' is not a host name or '*.' followed by one")]
    [InlineData("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 86400\n", "mx '*.*.example.com' is not a host name or '*.' followed by one")]
    [InlineData("version: STSv1\nmode: enforce\nmx: *mail.example.com\nmax_age: 86400\n", "mx '*mail.example.com' is not a host name or '*.' followed by one")]
    [InlineData("<html>not a policy</html>", "not a 'key: value' line: '<html>not a policy</html>'")]
    public void InvalidPoliciesSayWhy(string text, string expected)
    {
        Assert.Null(MtaStsPolicy.Parse(text, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void StsTxtRecordNeedsOneV1RecordWithAnId()
    {
        Assert.Equal(("v=STSv1; id=20160831085700Z;", "20160831085700Z", (string?)null), MailPolicyTxt.StsRecord(["some other txt", "v=STSv1; id=20160831085700Z;"]));
        Assert.Equal((null, null, "no v=STSv1 TXT record"), MailPolicyTxt.StsRecord(["v=spf1 -all"]));
        Assert.Equal("2 v=STSv1 TXT records: senders assume no policy (RFC 8461 §3.1)", MailPolicyTxt.StsRecord(["v=STSv1; id=a;", "v=STSv1; id=b;"]).Error);
        Assert.Equal("no valid id= (1 to 32 letters and digits)", MailPolicyTxt.StsRecord(["v=STSv1; id=not-alnum;"]).Error);
        Assert.Equal("v=TLSRPTv1; rua=mailto:r@example.test", MailPolicyTxt.TlsRptRecord(["v=spf1", "v=TLSRPTv1; rua=mailto:r@example.test"]));
        Assert.Null(MailPolicyTxt.TlsRptRecord(["v=spf1"]));
    }
}
