using System.Text.Json;
using System.Text.Json.Serialization;
using Sensor.Core.Output;

namespace Sensor.Core.Survey;

/// <summary>The `{"type":"survey", ...}` line: which survey, how much of it this run did, and its statistics.</summary>
public sealed class SurveyRecord
{
    public string Type { get; set; } = "survey";
    public string Survey { get; set; } = "";
    public string Vantage { get; set; } = "";
    public string Ts { get; set; } = "";
    public int DomainsListed { get; set; }
    public int DomainsProbedNow { get; set; }
    public int DomainsResumed { get; set; }
    public bool Interrupted { get; set; }
    public int Domains { get; set; }
    public int Probes { get; set; }
    public int ServersReached { get; set; }
    public int ServersRated { get; set; }
    public int WithStarttls { get; set; }
    public int WithoutStarttls { get; set; }
    public double? AverageScore { get; set; }
    public Dictionary<string, int> Grades { get; set; } = [];
    public int DaneServers { get; set; }
    public double DaneShare { get; set; }
    public int MtaStsDomains { get; set; }
    public double MtaStsShare { get; set; }
    public int Unreachable { get; set; }
    public int Timeouts { get; set; }
    public int Unresolvable { get; set; }
    public int NoMail { get; set; }
    public int OtherFailures { get; set; }

    public static SurveyRecord From(SurveyOutcome outcome, DateTime timeUtc)
    {
        var s = outcome.Stats;
        return new SurveyRecord
        {
            Survey = outcome.Id, Vantage = outcome.Vantage, Ts = Rfc3339.Format(timeUtc),
            DomainsListed = outcome.Total, DomainsProbedNow = outcome.ProbedNow, DomainsResumed = outcome.Resumed, Interrupted = outcome.Interrupted,
            Domains = s.Domains, Probes = s.Probes, ServersReached = s.ServersReached, ServersRated = s.ServersRated,
            WithStarttls = s.WithStarttls, WithoutStarttls = s.WithoutStarttls, AverageScore = s.AverageScore, Grades = new(s.Grades),
            DaneServers = s.DaneServers, DaneShare = s.DaneShare, MtaStsDomains = s.MtaStsDomains, MtaStsShare = s.MtaStsShare,
            Unreachable = s.Unreachable, Timeouts = s.Timeouts, Unresolvable = s.Unresolvable, NoMail = s.NoMail, OtherFailures = s.OtherFailures,
        };
    }

    public string ToJsonLine() => JsonSerializer.Serialize(this, SurveyJsonContext.Default.SurveyRecord);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SurveyRecord))]
internal sealed partial class SurveyJsonContext : JsonSerializerContext;
