using System.Diagnostics;
using Sensor.Core.Probing;
using Sensor.Core.Survey;
using Sensor.Tests.Cli;

namespace Sensor.Tests.Survey;

/// <summary>The survey core against postfix on loopback: interruption, resuming, politeness.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class SurveyRunTests
{
    [Fact]
    public async Task InterruptedSurveyKeepsWhatFinishedAndResumesTheRest()
    {
        using var servers = new SurveyLoopback();
        var input = SurveyInput.Parse($"127.0.0.1:25\n{servers.Silent[0]}\n");
        var path = Path.Combine(SensorProcess.TempDir(), "s.db.survey");
        var slow = new SurveySettings(ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(60)), "lab");
        using var cts = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        SurveyOutcome first;
        using (var journal = SurveyJournal.Open(path))
        {
            var progress = new Inline(p => { if (p.Last == "127.0.0.1:25") cts.Cancel(); });
            first = await SurveyRun.RunAsync(input, slow, journal.Finished(input.Id("lab")), journal.Add, progress, cts.Token);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"stopped after {clock.Elapsed}");
        Assert.True(first.Interrupted);
        Assert.Equal(["127.0.0.1:25"], first.Domains.Select(d => d.Entry));
        Assert.Equal(1, first.Stats.ServersRated);

        var quick = new SurveySettings(ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(1)), "lab");
        using (var journal = SurveyJournal.Open(path))
        {
            var second = await SurveyRun.RunAsync(input, quick, journal.Finished(input.Id("lab")), journal.Add, null, default);
            Assert.False(second.Interrupted);
            Assert.Equal((1, 1), (second.ProbedNow, second.Resumed));
            Assert.Equal((1, 1, 1), (second.Stats.ServersRated, second.Stats.WithStarttls, second.Stats.Timeouts));
            Assert.Equal(2, journal.Finished(input.Id("lab")).Count);
            Assert.Empty(journal.Finished(input.Id("elsewhere")));
        }
    }

    [Fact]
    public async Task PerDestinationLimitSerialisesOneAddress()
    {
        using var servers = new SurveyLoopback(silent: 3);
        var input = SurveyInput.Parse(string.Join('\n', servers.Silent));
        var options = ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(0.6));
        var clock = Stopwatch.StartNew();
        var polite = await SurveyRun.RunAsync(input, new SurveySettings(options, "lab", Concurrency: 8, PerDestination: 1), new Dictionary<string, SurveyEntry>(), _ => { }, null, default);
        var politeTime = clock.Elapsed;
        Assert.Equal(3, polite.Stats.Timeouts);
        Assert.True(politeTime >= TimeSpan.FromSeconds(1.7), $"one at a time to 127.0.0.3 took only {politeTime}");

        clock.Restart();
        var parallel = await SurveyRun.RunAsync(input, new SurveySettings(options, "lab", Concurrency: 8, PerDestination: 3), new Dictionary<string, SurveyEntry>(), _ => { }, null, default);
        Assert.Equal(3, parallel.Stats.Timeouts);
        Assert.True(clock.Elapsed < politeTime, $"three at once took {clock.Elapsed}, one at a time {politeTime}");
    }

    private sealed class Inline(Action<SurveyProgress> report) : IProgress<SurveyProgress>
    {
        public void Report(SurveyProgress value) => report(value);
    }
}
