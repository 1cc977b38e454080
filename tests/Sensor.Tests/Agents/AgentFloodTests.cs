using NATS.Client.Core;
using Sensor.Core.Agents;
using Sensor.Core.Probing;

namespace Sensor.Tests.Agents;

/// <summary>
/// A real nats-server where requesters live in their own account and import the agent's service with
/// share: true, so the server tells the agent who asks. One requester floods from many connections
/// (each its own reply inbox, each request claiming another name); another asks once during the flood.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class AgentFloodTests
{
    [Fact]
    public async Task AFloodFromManyInboxesIsOneRequester_AndAnotherRequesterIsStillAnswered()
    {
        using var nats = new NatsServer(requesterAccounts: ["mallory", "alice"]);
        await using var agentBus = await Connect(nats, "agent");
        var agent = new ProbeAgent(new AgentSettings
        {
            Name = "lab", Policy = TargetPolicy.Parse(["127.0.0.0/8"]), RatePerMinute = 5, MaxPending = 16, MaxPendingPerRequester = 2,
        });
        using var stop = new CancellationTokenSource();
        var serving = agent.ServeAsync(agentBus, cancellationToken: stop.Token);
        await using var alice = await Connect(nats, "alice");
        await WaitUntilServed(alice);

        var mallory = new List<NatsConnection>();
        for (var i = 0; i < 8; i++)
            mallory.Add(await Connect(nats, "mallory"));
        var flood = mallory.SelectMany(c => Enumerable.Range(0, 250).Select(_ => Ask(c, "127.0.0.1:25"))).ToList();
        var aliceReply = await Ask(alice, "127.0.0.1:25");
        var floodReplies = await Task.WhenAll(flood);

        Assert.Null(aliceReply.Error);
        Assert.Equal(ProbeOutcome.Ok, Assert.Single(aliceReply.Records).Outcome);
        var probed = floodReplies.SelectMany(r => r.Records).Count(r => r.Outcome != ProbeAgent.RefusedOutcome);
        Assert.InRange(probed, 1, 5); // one rate budget for mallory, whatever inbox each request came from
        Assert.Contains(floodReplies, r => r.Error?.StartsWith("busy: 2 requests from you are still being handled", StringComparison.Ordinal) == true);
        // After the flood, one request at a time from each of mallory's connections (another inbox each time):
        // the budget of 5 a minute is one, so by the sixth at the latest the agent says rate limit.
        var oneByOne = new List<AgentReply>();
        foreach (var connection in mallory.Take(6))
            oneByOne.Add(await Ask(connection, "127.0.0.1:25"));
        Assert.Contains(oneByOne.SelectMany(r => r.Records), r => r.Error?.StartsWith("rate limit:", StringComparison.Ordinal) == true);
        Assert.InRange(probed + oneByOne.SelectMany(r => r.Records).Count(r => r.Outcome != ProbeAgent.RefusedOutcome), 1, 5);

        await stop.CancelAsync();
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var connection in mallory)
            await connection.DisposeAsync();
    }

    private static async Task<NatsConnection> Connect(NatsServer nats, string user) =>
        await AgentBus.ConnectAsync(AgentBus.Options(nats.Url, new BusCredentials(User: user, Password: nats.Password), user, TimeSpan.FromSeconds(5)), CancellationToken.None);

    private static Task<AgentReply> Ask(NatsConnection connection, string target) =>
        AgentBus.RequestAsync(connection, "lab", new AgentRequest { Targets = [target], Timeout = 5 }, TimeSpan.FromSeconds(60), CancellationToken.None);

    /// <summary>An empty request is refused without costing rate: it shows the subscription is up.</summary>
    private static async Task WaitUntilServed(NatsConnection connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                Assert.Equal("the request names no target", (await AgentBus.RequestAsync(connection, "lab", new AgentRequest(), TimeSpan.FromSeconds(1), CancellationToken.None)).Error);
                return;
            }
            catch (AgentUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
