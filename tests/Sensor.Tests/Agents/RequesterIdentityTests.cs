using Sensor.Core.Agents;

namespace Sensor.Tests.Agents;

public class RequesterIdentityTests
{
    [Fact]
    public void TheServersRequestInfoNamesAccountAndUser() =>
        Assert.Equal("SENSORS/alice", RequesterIdentity.From(
            """{"start":"2026-12-07T19:33:31.10323412Z","host":"127.0.0.1","id":7,"acc":"SENSORS","user":"alice","rtt":333332,"kind":"Client","client_type":"nats"}"""));

    [Fact]
    public void WithoutAUserTheConnectionIdStandsIn() =>
        Assert.Equal("SENSORS/7", RequesterIdentity.From("""{"acc":"SENSORS","id":7}"""));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"rtt\":5}")]
    public void AnythingElseIsTheOneUnidentifiedRequester(string? header) =>
        Assert.Equal(RequesterIdentity.Unidentified, RequesterIdentity.From(header));

    [Fact]
    public void TheGateBoundsEachRequesterAndTheWhole()
    {
        var gate = new RequestGate(maxPending: 3, maxPendingPerRequester: 2);
        Assert.Null(gate.TryEnter("a"));
        Assert.Null(gate.TryEnter("a"));
        Assert.Equal("busy: 2 requests from you are still being handled (at most 2); retry when they are answered", gate.TryEnter("a"));
        Assert.Null(gate.TryEnter("b"));
        Assert.Equal("busy: 3 requests are being handled (at most 3); retry later", gate.TryEnter("c"));
        gate.Leave("a");
        Assert.Null(gate.TryEnter("c"));
        Assert.NotNull(gate.TryEnter("a"));
    }
}
