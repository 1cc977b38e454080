using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.Survey;

/// <summary>How a survey probes: bounds, politeness and the name of this vantage point.</summary>
public sealed record SurveySettings(ProbeOptions Options, string Vantage, int Concurrency = SurveySettings.DefaultConcurrency, int PerDestination = SurveySettings.DefaultPerDestination)
{
    public const int DefaultConcurrency = 32;
    public const int DefaultPerDestination = 2;
}

/// <summary>How far a survey is: finished domains (resumed ones included) of all.</summary>
public readonly record struct SurveyProgress(int Done, int Total, string? Last);

/// <summary>What a survey run did: every finished domain in file order, how many this run probed, whether it was stopped.</summary>
public sealed record SurveyOutcome(string Id, string Vantage, IReadOnlyList<SurveyDomain> Domains, int Total, int ProbedNow, int Resumed, bool Interrupted)
{
    public SurveyStats Stats { get; } = SurveyStats.Compute(Domains);
}

/// <summary>
/// Probes a survey's domains, at most <see cref="SurveySettings.Concurrency"/> at once, one server
/// at a time within a domain, and at most <see cref="SurveySettings.PerDestination"/> at once to one
/// server address (taken around each connection, once DNS has named the address). Domains
/// already finished are skipped; each finished domain is handed to <c>finished</c> as soon as it is
/// done, so a cancelled run keeps them and loses only those in flight.
/// </summary>
public static class SurveyRun
{
    public static async Task<SurveyOutcome> RunAsync(SurveyInput input, SurveySettings settings, IReadOnlyDictionary<string, SurveyEntry> done,
        Action<SurveyEntry> finished, IProgress<SurveyProgress>? progress, CancellationToken token)
    {
        var id = input.Id(settings.Vantage);
        var results = new Dictionary<string, IReadOnlyList<ProbeRecord>>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in input.Entries.Where(done.ContainsKey))
            results[entry] = done[entry].Records;
        var resumed = results.Count;
        var todo = input.Entries.Where(e => !done.ContainsKey(e)).ToList();
        var count = resumed;
        progress?.Report(new SurveyProgress(count, input.Entries.Count, null));

        using var gate = new SemaphoreSlim(settings.Concurrency);
        var limiter = new DestinationLimiter(settings.PerDestination);
        var lazyDns = ProbeBatch.Lazy(settings.Options);
        var interrupted = false;
        var tasks = todo.Select(async entry =>
        {
            await gate.WaitAsync(token);
            try
            {
                var probed = await ProbeBatch.RunAsync(input.TargetsOf(entry), settings.Options, 1, token, lazyDns,
                    (address, t) => limiter.AcquireAsync(address.ToString(), t));
                var records = probed.Select(r => ProbeRecord.From(r, settings.Vantage)).ToList();
                var journal = new SurveyEntry { Id = $"{id}/{entry}", Survey = id, Entry = entry, Ts = Rfc3339.Format(DateTime.UtcNow), Records = records };
                lock (results)
                {
                    finished(journal);
                    results[entry] = records;
                    count++;
                    progress?.Report(new SurveyProgress(count, input.Entries.Count, entry));
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            interrupted = true;
        }
        var domains = input.Entries.Where(results.ContainsKey).Select(e => new SurveyDomain(e, results[e])).ToList();
        return new SurveyOutcome(id, settings.Vantage, domains, input.Entries.Count, domains.Count - resumed, resumed, interrupted);
    }
}
