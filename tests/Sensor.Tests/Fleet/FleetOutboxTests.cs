using System.Text;
using NATS.Client.JetStream;
using Sensor.Core.Agents;
using Sensor.Core.Fleet;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using static Sensor.Tests.Fleet.FleetTestSupport;

namespace Sensor.Tests.Fleet;

/// <summary>The publisher that drains the outbox into a real nats-server: the cap, a retry after a lost ack, the stream's config.</summary>
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
