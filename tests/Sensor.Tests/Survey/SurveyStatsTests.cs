using Sensor.Core.Output;
using Sensor.Core.Probing.Dns;
using Sensor.Core.Survey;

namespace Sensor.Tests.Survey;

public class SurveyStatsTests
{
    internal static ProbeRecord Rec(string? server, string outcome, bool greeted = true, bool starttls = false, int? score = null,
        string? dane = null, string? stsTxt = null, string target = "t") => new()
    {
        Server = server,
        Target = server ?? target,
        Outcome = outcome,
        Banner = greeted ? "220 mx ESMTP" : null,
        StarttlsOffered = starttls,
        Score = score,
        Grade = score is { } s ? Sensor.Core.Probing.Grading.Letter(s) : null,
        Dane = dane is null ? DaneCheck.NotChecked("n") : new DaneCheck { Checked = true, Result = dane },
        MtaSts = new MtaStsCheck { Checked = stsTxt is not null, Txt = stsTxt },
    };

    /// <summary>Seven domains: a shared server, one without STARTTLS, each kind of failure.</summary>
    internal static IReadOnlyList<SurveyDomain> Fixed() =>
    [
        new("d1.example", [
            Rec("10.0.0.1:25", "ok", starttls: true, score: 97, dane: DaneMatcher.Match, stsTxt: "v=STSv1; id=1"),
            Rec("10.0.0.2:25", "ok", starttls: true, score: 62, dane: DaneMatcher.None, stsTxt: "v=STSv1; id=1")]),
        new("d2.example", [Rec("10.0.0.1:25", "ok", starttls: true, score: 97, dane: DaneMatcher.Match)]),
        new("d3.example", [Rec("10.0.0.3:25", "starttls-absent")]),
        new("d4.example", [Rec("10.0.0.4:25", "unreachable", greeted: false)]),
        new("d5.example", [Rec("10.0.0.5:25", "timeout", greeted: false)]),
        new("nx.example", [Rec(null, "unresolvable", greeted: false, target: "nx.example:25")]),
        new("d7.example", [Rec("10.0.0.6:25", "tls-failed", starttls: true)]),
    ];

    [Fact]
    public void FixedRecordsGiveExactFigures()
    {
        var s = SurveyStats.Compute(Fixed());
        Assert.Equal(7, s.Domains);
        Assert.Equal(8, s.Probes);
        Assert.Equal(4, s.ServersReached);
        Assert.Equal(2, s.ServersRated);
        Assert.Equal(3, s.WithStarttls);
        Assert.Equal(1, s.WithoutStarttls);
        Assert.Equal(79.5, s.AverageScore);
        Assert.Equal(new Dictionary<string, int> { ["A"] = 1, ["B"] = 0, ["C"] = 1, ["D"] = 0, ["E"] = 0, ["F"] = 0 }, s.Grades);
        Assert.Equal(["A", "B", "C", "D", "E", "F"], s.Grades.Keys);
        Assert.Equal(1, s.DaneServers);
        Assert.Equal(0.25, s.DaneShare);
        Assert.Equal(1, s.MtaStsDomains);
        Assert.Equal(0.1429, s.MtaStsShare);
        Assert.Equal(1, s.Unreachable);
        Assert.Equal(1, s.Timeouts);
        Assert.Equal(1, s.Unresolvable);
        Assert.Equal(0, s.NoMail);
        Assert.Equal(1, s.OtherFailures);
    }

    [Fact]
    public void EmptySurveyHasNoAverageAndZeroShares()
    {
        var s = SurveyStats.Compute([]);
        Assert.Equal(0, s.Domains);
        Assert.Null(s.AverageScore);
        Assert.Equal(0, s.DaneShare);
        Assert.Equal(0, s.MtaStsShare);
        Assert.All(s.Grades.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void AverageRoundsHalfAwayFromZero()
    {
        var s = SurveyStats.Compute([new("a", [Rec("1.1.1.1:25", "ok", starttls: true, score: 80), Rec("1.1.1.2:25", "ok", starttls: true, score: 81),
            Rec("1.1.1.3:25", "ok", starttls: true, score: 81), Rec("1.1.1.4:25", "ok", starttls: true, score: 81)])]);
        Assert.Equal(80.8, s.AverageScore); // 80.75
    }

    [Fact]
    public void SurveyLineCarriesTheFigures()
    {
        var outcome = new SurveyOutcome("survey-x", "lab", Fixed(), 9, 5, 2, false);
        var line = SurveyRecord.From(outcome, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)).ToJsonLine();
        Assert.StartsWith("{\"type\":\"survey\",\"survey\":\"survey-x\",\"vantage\":\"lab\",\"ts\":\"2026-01-02T03:04:05.000000Z\",\"domains_listed\":9,\"domains_probed_now\":5,\"domains_resumed\":2,", line);
        Assert.Contains("\"servers_rated\":2,\"with_starttls\":3,\"without_starttls\":1,\"average_score\":79.5,\"grades\":{\"A\":1,\"B\":0,\"C\":1,\"D\":0,\"E\":0,\"F\":0}", line);
        Assert.Contains("\"dane_share\":0.25,\"mta_sts_domains\":1,\"mta_sts_share\":0.1429,\"unreachable\":1,\"timeouts\":1", line);
    }
}
