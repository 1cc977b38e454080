using Sensor.Core.Detection;
using Sensor.Core.Fleet;
using Sensor.Core.Output;

namespace Sensor.Tests.Fleet;

public class FleetTailFilterTests
{
    private static FindingRecord Finding(string kind, string severity) => new() { Kind = kind, Severity = severity };

    [Fact]
    public void OneKindAndASensor_AreFilteredOnTheServer_SeveralKindsHere()
    {
        Assert.Equal("sensor.*.finding.*", new FleetTailFilter([]).ServerSubject);
        Assert.Equal("sensor.edge-a.finding.starttls-stripped", new FleetTailFilter(["starttls-stripped"], Sensor: "edge-a").ServerSubject);
        Assert.Equal("sensor.*.finding.*", new FleetTailFilter(["starttls-stripped", "tls-weak"]).ServerSubject);
    }

    [Fact]
    public void Matches_KindAndLowestSeverity()
    {
        var filter = new FleetTailFilter(["starttls-stripped", "cleartext-mail"], Severity.High);
        Assert.True(filter.Matches(Finding("starttls-stripped", "high")));
        Assert.False(filter.Matches(Finding("cleartext-mail", "medium")));
        Assert.False(filter.Matches(Finding("tls-weak", "high")));
        Assert.False(filter.Matches(Finding("starttls-stripped", "bogus")));
        Assert.True(new FleetTailFilter([], Severity.Low).Matches(Finding("cleartext-mail", "medium")));
    }

    [Fact]
    public void MatchesSubject_OnlyFindingsOfTheWantedSensor()
    {
        var filter = new FleetTailFilter([], Sensor: "edge-a");
        Assert.True(filter.MatchesSubject("sensor.edge-a.finding.tls-weak"));
        Assert.False(filter.MatchesSubject("sensor.edge-b.finding.tls-weak"));
        Assert.False(filter.MatchesSubject("sensor.edge-a.session.smtp"));
        Assert.False(filter.MatchesSubject("sensor.edge-a.finding.tls-weak.extra"));
        Assert.True(new FleetTailFilter([]).MatchesSubject("sensor.edge-b.finding.x"));
    }

    [Fact]
    public void Parse_RefusesWhatIsNotAFindingRecord()
    {
        Assert.Null(FleetTail.Parse("sensor.a.finding.x", "not json"u8.ToArray()));
        Assert.Null(FleetTail.Parse("sensor.a.finding.x", """{"type":"session","kind":"x"}"""u8.ToArray()));
        Assert.Null(FleetTail.Parse("sensor.a.finding.x", null));
        Assert.Null(FleetTail.Parse("other.subject", """{"type":"finding","kind":"x"}"""u8.ToArray()));
        var finding = FleetTail.Parse("sensor.a.finding.x", """{"type":"finding","kind":"x","severity":"low"}"""u8.ToArray());
        Assert.Equal("a", finding!.Sensor);
        Assert.Equal("x", finding.Record.Kind);
    }

    [Fact]
    public void FindingLine_IsOneLine_WithoutControlCharactersFromTheBus()
    {
        var record = new FindingRecord
        {
            Kind = "plaintext-credential", Variant = "smtp-auth-plain", Severity = "high", Protocol = "smtp",
            Client = "127.0.0.1:5000", Server = "127.0.0.1:587", ServerName = "mail.example.test", Ts = "2026-01-01T00:00:00Z",
            Summary = "evil\u001b[2J\nnext", Evidence = { ["user"] = "alice" },
        };
        Assert.Equal("2026-01-01T00:00:00Z edge-a [high] plaintext-credential/smtp-auth-plain smtp 127.0.0.1:5000 -> 127.0.0.1:587 (mail.example.test) user=alice: evil\\x1b[2J\\x0anext (id " + record.Id + ")",
            Sensor.Core.Output.FindingLine.Format(record, "edge-a"));
    }

    [Theory]
    [InlineData("starttls-stripped", "starttls-stripped")]
    [InlineData("a.b*c>d", "a_b_c_d")]
    [InlineData("", "unknown")]
    [InlineData(null, "unknown")]
    public void Token_IsOneSubjectToken(string? value, string token) => Assert.Equal(token, FleetSubjects.Token(value));
}
