using System.Net;
using System.Net.Sockets;
using Sensor.Core.Agents;
using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Tests.Agents;
using Sensor.Tests.Probing;

namespace Sensor.Tests.CrossCheck;

/// <summary>A clock the test moves.</summary>
public sealed class MovableClock(DateTime utc) : TimeProvider
{
    public DateTime Now { get; set; } = utc;
    public override DateTimeOffset GetUtcNow() => new(Now, TimeSpan.Zero);
}

/// <summary>
/// Probing on the fly against real servers: the loopback postfix, a listener that never speaks,
/// and a real nats-server with no agent behind the name asked. The clock is the test's, so the
/// TTL is exact; the probe counts come from the prober's own statistics.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class OnTheFlyProberTests
{
    private static readonly DateTime Start = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);
    private static readonly ServerToProbe Postfix = new("smtp", "127.0.0.1:25");
    private static readonly ProbeOptions Quick = ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(5));

    private static OnTheFlyProber Prober(MovableClock clock, OnTheFlySettings? settings = null, params IProbeVantage[] vantages) =>
        new(vantages.Length > 0 ? vantages : [new LocalVantage("local", Quick)], settings ?? new OnTheFlySettings { Ttl = TimeSpan.FromHours(1) }, clock);

    /// <summary>Waits (without holding a pool thread: the prober's workers need them) until <paramref name="probed"/> probes have answered.</summary>
    private static async Task<List<ProbeRecord>> AwaitResults(OnTheFlyProber prober, ServerToProbe server, int probed)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (prober.Stats.Probed + prober.Stats.Unanswered < probed && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        return [.. prober.ResultsFor(server)];
    }

    [Fact]
    public async Task WithinTheTtlAServerIsNotProbedAgainAfterItItIs()
    {
        var clock = new MovableClock(Start);
        using var prober = Prober(clock);
        prober.Request(Postfix, []);
        var first = Assert.Single(await AwaitResults(prober, Postfix, 1));
        Assert.Equal(("local", "ok", true, "127.0.0.1:25"), (first.Vantage, first.Outcome, first.TlsEstablished, first.Server));

        clock.Now = Start.AddMinutes(59);
        prober.Request(Postfix, []);
        Assert.Equal(new OnTheFlyStats(Probed: 1, CacheHits: 1, StoreHits: 0, Dropped: 0, Unanswered: 0), prober.Stats);
        Assert.Same(first, Assert.Single(prober.ResultsFor(Postfix)));

        clock.Now = Start.AddMinutes(61);
        prober.Request(Postfix, []);
        var second = Assert.Single(await AwaitResults(prober, Postfix, 2));
        Assert.NotSame(first, second);
        Assert.Equal(new OnTheFlyStats(Probed: 2, CacheHits: 1, StoreHits: 0, Dropped: 0, Unanswered: 0), prober.Stats);
        Assert.Equal(2, prober.Settle().Count);
    }

    [Fact]
    public async Task AStoredAnswerFromTheSameVantageWithinTheTtlIsReusedAFailureIsNot()
    {
        var clock = new MovableClock(Start);
        using var prober = Prober(clock);
        var halfAnHour = Probes.Make("local", "127.0.0.1:25", 0.5, "ok", true, true, Probes.CertA, null, "smtp");
        prober.Request(Postfix, [halfAnHour]);
        Assert.Equal(new OnTheFlyStats(0, 0, 1, 0, 0), prober.Stats);
        Assert.Empty(prober.ResultsFor(Postfix));

        var otherVantage = Probes.Make("abroad", "127.0.0.1:25", 0.5, "ok", true, true, Probes.CertA, null, "smtp");
        var twoHours = Probes.Make("local", "127.0.0.1:25", 2, "ok", true, true, Probes.CertA, null, "smtp");
        var recentFailure = Probes.Make("local", "127.0.0.1:25", 0.1, "timeout", false, false, null, null, "smtp");
        prober.Request(new ServerToProbe("smtp", "127.0.0.1:25"), [otherVantage, twoHours, recentFailure]);
        Assert.Equal("ok", Assert.Single(await AwaitResults(prober, Postfix, 1)).Outcome);
        Assert.Equal(new OnTheFlyStats(1, 0, 1, 0, 0), prober.Stats);
    }

    [Fact]
    public async Task AnAgentThatIsNotThereIsAnUnansweredRecordNotAHang()
    {
        using var nats = new NatsServer();
        var opts = AgentBus.Options(nats.Url, new BusCredentials(User: NatsServer.User, Password: nats.Password), "test", TimeSpan.FromSeconds(5));
        await using var connection = await AgentBus.ConnectAsync(opts, CancellationToken.None);
        var clock = new MovableClock(Start);
        using var prober = Prober(clock, new OnTheFlySettings { EndWait = TimeSpan.FromSeconds(60) },
            new LocalVantage("local", Quick), new AgentVantage(connection, "ghost", TimeSpan.FromSeconds(5)));
        prober.Request(Postfix, []);
        Assert.Empty(prober.Settle().Where(r => r.Vantage == "ghost"));
        var records = prober.ResultsFor(Postfix).OrderBy(r => r.Vantage, StringComparer.Ordinal).ToList();
        Assert.Equal(["ghost", "local"], records.Select(r => r.Vantage));
        Assert.Equal((OnTheFlyProber.VantageUnavailable, "127.0.0.1:25", "smtp", 25), (records[0].Outcome, records[0].Server, records[0].Protocol, records[0].Port));
        Assert.Equal("no agent ghost answered within 35 s (none listens on sensor.probe.ghost)", records[0].Error);
        Assert.Equal("ok", records[1].Outcome);
        Assert.Equal(new OnTheFlyStats(1, 0, 0, 0, 1), prober.Stats);

        var verdict = CrossCheckJudge.Decide(new PassiveObservation("smtp", "127.0.0.1:25", null, 1, ["starttls-absent"], false, [], ["s1"]),
            records, clock.Now, CrossCheckOptions.Default)!;
        Assert.Equal(("inconclusive", 0.0, 0, 1), (verdict.Verdict, verdict.Confidence, verdict.Agreeing, verdict.Total));
    }

    [Fact]
    public void AtTheEndTheWaitIsBoundedAndWhatDidNotAnswerIsATimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var server = new ServerToProbe("smtp", $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        var clock = new MovableClock(Start);
        using var prober = Prober(clock, new OnTheFlySettings { EndWait = TimeSpan.FromSeconds(1) },
            new LocalVantage("local", ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(60))));
        prober.Request(server, []);
        Assert.Empty(prober.Settle());
        var record = Assert.Single(prober.ResultsFor(server));
        Assert.Equal(("local", "timeout", "no answer before the cross-check stopped waiting (1 s after the end of the capture)"),
            (record.Vantage, record.Outcome, record.Error));
        prober.Request(Postfix, []);
        Assert.Empty(prober.ResultsFor(Postfix));
    }

    [Fact]
    public void AFullQueueDropsRequestsInsteadOfWaiting()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = new MovableClock(Start);
        using var prober = Prober(clock, new OnTheFlySettings { MaxConcurrent = 1, MaxQueued = 1, EndWait = TimeSpan.FromSeconds(1) },
            new LocalVantage("local", ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(60))));
        prober.Request(new ServerToProbe("smtp", $"127.0.0.1:{port}"), []);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (prober.Waiting > 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        foreach (var host in new[] { "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5" })
            prober.Request(new ServerToProbe("smtp", $"{host}:{port}"), []);
        Assert.Equal((1, 3), (prober.Waiting, prober.Stats.Dropped));
    }

    [Fact]
    public async Task PastTheServerBoundNewServersAreDroppedUntilOldAnswersExpire()
    {
        var clock = new MovableClock(Start);
        using var prober = Prober(clock, new OnTheFlySettings { MaxServers = 1, Ttl = TimeSpan.FromHours(1) });
        prober.Request(Postfix, []);
        await AwaitResults(prober, Postfix, 1);
        var submission = new ServerToProbe("smtp", "127.0.0.1:587");
        prober.Request(submission, []);
        Assert.Equal((1, 1), (prober.Stats.Probed, prober.Stats.Dropped));

        clock.Now = Start.AddMinutes(61);
        prober.Request(submission, []);
        Assert.Equal(("ok", 2, 1), (Assert.Single(await AwaitResults(prober, submission, 2)).Outcome, prober.Stats.Probed, prober.Stats.Dropped));
        Assert.Empty(prober.ResultsFor(Postfix));
    }
}
