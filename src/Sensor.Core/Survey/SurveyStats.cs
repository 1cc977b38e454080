using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;

namespace Sensor.Core.Survey;

/// <summary>The probe records of one domain (or host) of a survey.</summary>
public sealed record SurveyDomain(string Entry, IReadOnlyList<ProbeRecord> Records);

/// <summary>
/// Statistics of a survey, as starttls.info gave them. A server is an address and port ("server"
/// of the records), counted once however many domains share it, from its first record. A server is
/// reached when it greeted; rated when it has a grade (TLS was negotiated). DANE counts servers whose
/// TLSA matched under a validating resolver; MTA-STS counts domains publishing the _mta-sts TXT.
/// Failures count each server (or, without an address, each target) once, by its outcome.
/// </summary>
public sealed record SurveyStats
{
    public static readonly string[] Letters = ["A", "B", "C", "D", "E", "F"];

    public int Domains { get; init; }
    public int Probes { get; init; }
    public int ServersReached { get; init; }
    public int ServersRated { get; init; }
    public int WithStarttls { get; init; }
    public int WithoutStarttls { get; init; }
    /// <summary>Mean score of the rated servers, to one decimal; null when none was rated.</summary>
    public double? AverageScore { get; init; }
    /// <summary>Rated servers per letter, A to F (all six present).</summary>
    public IReadOnlyDictionary<string, int> Grades { get; init; } = Letters.ToDictionary(l => l, _ => 0);
    public int DaneServers { get; init; }
    /// <summary>DANE servers over servers reached, 0..1 to four decimals.</summary>
    public double DaneShare { get; init; }
    public int MtaStsDomains { get; init; }
    /// <summary>Domains with an MTA-STS TXT over domains, 0..1 to four decimals.</summary>
    public double MtaStsShare { get; init; }
    public int Unreachable { get; init; }
    public int Timeouts { get; init; }
    public int Unresolvable { get; init; }
    public int NoMail { get; init; }
    /// <summary>Other failed probes: STARTTLS refused, TLS failed, protocol errors.</summary>
    public int OtherFailures { get; init; }

    public static SurveyStats Compute(IReadOnlyList<SurveyDomain> domains)
    {
        var records = domains.SelectMany(d => d.Records).ToList();
        var servers = records.Where(r => r.Server is not null && r.Banner is not null)
            .GroupBy(r => r.Server!, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
        var rated = servers.Where(r => r.Score is not null).ToList();
        var byOutcome = records.GroupBy(r => r.Server ?? "target " + r.Target, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First().Outcome).ToList();
        int Count(string outcome) => byOutcome.Count(o => o == outcome);
        var dane = servers.Count(r => r.Dane.Result == DaneMatcher.Match);
        var mtaSts = domains.Count(d => d.Records.Any(r => r.MtaSts.Txt is not null));
        return new SurveyStats
        {
            Domains = domains.Count,
            Probes = records.Count,
            ServersReached = servers.Count,
            ServersRated = rated.Count,
            WithStarttls = servers.Count(r => r.StarttlsOffered || r.ImplicitTls),
            WithoutStarttls = servers.Count(r => !r.StarttlsOffered && !r.ImplicitTls),
            AverageScore = rated.Count == 0 ? null : Math.Round(rated.Average(r => (double)r.Score!.Value), 1, MidpointRounding.AwayFromZero),
            Grades = Letters.ToDictionary(l => l, l => rated.Count(r => r.Grade == l)),
            DaneServers = dane,
            DaneShare = Share(dane, servers.Count),
            MtaStsDomains = mtaSts,
            MtaStsShare = Share(mtaSts, domains.Count),
            Unreachable = Count(ProbeOutcome.Unreachable),
            Timeouts = Count(ProbeOutcome.Timeout),
            Unresolvable = Count(ProbeOutcome.Unresolvable),
            NoMail = Count(ProbeOutcome.NoMail),
            OtherFailures = byOutcome.Count(o => o is ProbeOutcome.StartTlsRefused or ProbeOutcome.TlsFailed or ProbeOutcome.ProtocolError),
        };
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4, MidpointRounding.AwayFromZero);
}
