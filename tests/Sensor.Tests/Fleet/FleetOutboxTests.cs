using System.Diagnostics;
using System.Text;
using NATS.Client.JetStream;
using Sensor.Core.Agents;
using Sensor.Core.Fleet;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using static Sensor.Tests.Fleet.FleetTestSupport;

namespace Sensor.Tests.Fleet;

/// <summary>The publisher that drains the outbox into a real nats-server: the cap, a retry after a lost ack, an outage mid-run, the stream's config.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FleetOutboxTests
{
    [Fact]
    public async Task Publisher_WithTheBusDown_KeepsUpToTheCap_CountsTheDrops_AndLeavesTheRestForTheNextRun()
    {
        using var credentials = new NatsServer();
        var folder = SensorProcess.TempDir();
        var bus = AgentBus.Options(DeadBus(credentials)[1], new BusCredentials(User: NatsServer.User, Password: credentials.Password), "t", TimeSpan.FromSeconds(1));
        var warnings = new List<string>();
        await using (var publisher = FleetPublisher.Start(new FleetSettings(bus, "t", folder, OutboxCap: 3), _ => { }, line => { lock (warnings) warnings.Add(line); }))
        {
            for (var n = 1; n <= 5; n++)
                publisher.Enqueue(FleetSubjects.Finding, "kind-" + n, $"id{n}", Encoding.UTF8.GetBytes($"{{\"n\":{n}}}"));
            Assert.Equal(2, publisher.Dropped);
            Assert.Equal(3, publisher.Waiting);
            Assert.Equal(0, publisher.Published);
        }
        Assert.Contains(warnings, w => w.StartsWith("bus: the outbox holds its cap of 3 records; 1 new records dropped so far"));
        Assert.Contains("bus: 3 records kept in the outbox; the next run with --bus sends them first", warnings);
        Assert.Contains("bus: 2 records were not published: the outbox was full (cap 3) or the server refused them", warnings);
        Assert.Equal(["t-finding-id1", "t-finding-id2", "t-finding-id3"], FleetJournalTests.Waiting(folder, "t").Select(m => m.MsgId).ToList());
        Assert.Equal("sensor.t.finding.kind-1", FleetJournalTests.Waiting(folder, "t")[0].Subject);
    }

    /// <summary>
    /// JetStream stored a record but its ack never came back (the bus went away): the record is still in
    /// the outbox, and when it is sent again with its Nats-Msg-Id the stream keeps one copy.
    /// </summary>
    [Fact]
    public async Task RecordSentAgainAfterALostAck_IsStoredOnce()
    {
        using var nats = new NatsServer(jetStream: true);
        var folder = SensorProcess.TempDir();
        using (var journal = FleetJournal.Open(folder, "t", _ => { }))
            journal.Append([FleetJournalTests.Message(1), FleetJournalTests.Message(2)]);
        await using (var connection = await AgentBus.ConnectAsync(Options(nats), CancellationToken.None))
        {
            var js = new NatsJSContext(connection);
            await FleetStream.EnsureAsync(js, CancellationToken.None);
            var first = FleetJournalTests.Message(1);
            (await js.PublishAsync(first.Subject, first.Data.ToArray(), opts: new NatsJSPubOpts { MsgId = first.MsgId })).EnsureSuccess(); // stored; pretend this ack was lost
        }

        await using (var publisher = FleetPublisher.Start(new FleetSettings(Options(nats), "t", folder), _ => { }, _ => { }))
        {
            Assert.True(SpinWait.SpinUntil(() => publisher.Waiting == 0, TimeSpan.FromSeconds(20)), "the outbox did not drain");
            Assert.Equal(2, publisher.Published); // the duplicate counts as delivered
            Assert.Equal(0, publisher.Dropped);
        }

        var messages = await StreamMessagesAsync(nats);
        Assert.Equal([("sensor.t.finding.k1", "t-finding-1"), ("sensor.t.finding.k2", "t-finding-2")], messages);
        Assert.Empty(FleetJournalTests.Waiting(folder, "t"));
    }

    /// <summary>
    /// How long nats-server stays away in the outage test: 6 s unless SENSOR_TEST_BUS_OUTAGE_SECONDS says (30 for
    /// the outage the product is built to ride out with its default settings).
    /// </summary>
    private static TimeSpan Outage =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SENSOR_TEST_BUS_OUTAGE_SECONDS"), out var s) ? s : 6);

    /// <summary>
    /// The publisher takes 12,000 records while nats-server is stopped (gracefully: acks in flight are lost
    /// with the connection) for <see cref="Outage"/> a third of the way in and started again on its store.
    /// </summary>
    [Fact]
    public async Task BusAwayMidRun_EveryRecordIsInTheStreamOnce_InTheOrderMade()
    {
        using var nats = new NatsServer(jetStream: true);
        const int Records = 12_000;
        var warnings = new List<string>();
        var padding = new string('x', 600);
        await using (var publisher = FleetPublisher.Start(new FleetSettings(Options(nats), "out-a", SensorProcess.TempDir()), _ => { },
            line => { lock (warnings) warnings.Add(line); }))
        {
            var outage = Stopwatch.StartNew();
            for (var n = 0; n < Records; n++)
            {
                publisher.Enqueue(FleetSubjects.Session, "smtp", $"r{n:D5}", Encoding.UTF8.GetBytes($"{{\"n\":{n},\"pad\":\"{padding}\"}}"));
                if (n == Records / 3)
                {
                    Assert.True(SpinWait.SpinUntil(() => publisher.Published > 0, TimeSpan.FromSeconds(30)), "nothing was published before the outage");
                    nats.Stop(graceful: true);
                    outage.Restart();
                }
                if (n == 2 * Records / 3)
                {
                    Assert.True(SpinWait.SpinUntil(() => warnings.Any(w => w.Contains(" is not available (")), TimeSpan.FromSeconds(30)), string.Join('\n', warnings));
                    await Task.Delay(Outage - outage.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
                    nats.Start();
                }
                if (n % 500 == 0)
                    await Task.Delay(20); // records come over time, as capture makes them
            }
            Assert.True(SpinWait.SpinUntil(() => publisher.Waiting == 0, TimeSpan.FromSeconds(120)), $"{publisher.Waiting} records still wait; " + string.Join('\n', warnings));
            Assert.Equal(Records, publisher.Published);
            Assert.Equal(0, publisher.Dropped);
        }

        Assert.Equal(Records, await StreamCountAsync(nats));
        var stored = (await StreamMessagesAsync(nats)).Select(m => m.MsgId!).ToList();
        var made = Enumerable.Range(0, Records).Select(n => $"out-a-session-r{n:D5}").ToList();
        Assert.Equal(made, stored.Order(StringComparer.Ordinal)); // each once
        Assert.Equal(made, stored); // in the order made
    }

    [Fact]
    public async Task Stream_IsCreatedWithTheDocumentedConfig_AndAnOperatorsLimitsAreKept()
    {
        using var nats = new NatsServer(jetStream: true);
        await using var connection = await AgentBus.ConnectAsync(Options(nats), CancellationToken.None);
        var js = new NatsJSContext(connection);
        // an operator made the stream first, with a shorter age and only the findings
        await js.CreateStreamAsync(FleetStream.Config() with { MaxAge = TimeSpan.FromDays(2), Subjects = ["sensor.*.finding.*"] });

        await FleetStream.EnsureAsync(js, CancellationToken.None);

        var config = (await js.GetStreamAsync(FleetStream.Name)).Info.Config;
        Assert.Equal(TimeSpan.FromDays(2), config.MaxAge);
        Assert.Equal(["sensor.*.finding.*", "sensor.*.session.*", "sensor.*.verdict.*"], config.Subjects!.ToList());
        Assert.Equal(TimeSpan.FromMinutes(10), config.DuplicateWindow);
    }
}
