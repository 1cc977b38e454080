using Sensor.Core.Fleet;

namespace Sensor.Tests.Fleet;

/// <summary>Acks in flight: only the acknowledged prefix advances, whatever order acks come in; a given-up send's late ack is ignored.</summary>
public class AckWindowTests
{
    private static JournalPosition End(int n) => new(1, n * 100);

    [Fact]
    public void AnAckOutOfOrder_WaitsForTheRecordsBeforeIt()
    {
        var window = new AckWindow(4);
        var sends = Enumerable.Range(1, 3).Select(n => window.Add(End(n))).ToArray();

        Assert.True(window.MarkDone(sends[1]));
        Assert.Equal((0, default(JournalPosition)), window.Advance());
        Assert.True(window.MarkDone(sends[0]));
        Assert.Equal((2, End(2)), window.Advance());
        Assert.Equal(1, window.Count);
        Assert.False(window.MarkDone(sends[0])); // acknowledged already
    }

    [Fact]
    public void Full_AtTheCapacity_AndRoomAgainAsThePrefixIsAcknowledged()
    {
        var window = new AckWindow(2);
        var first = window.Add(End(1));
        window.Add(End(2));
        Assert.True(window.Full);
        window.MarkDone(first);
        window.Advance();
        Assert.False(window.Full);
        Assert.Equal(2, window.Add(End(3)));
    }

    [Fact]
    public void AfterAReset_ALateAckOfAGivenUpSendIsIgnored_AndTheResendGetsANewNumber()
    {
        var window = new AckWindow(4);
        var old = window.Add(End(1));
        window.Reset();
        var resend = window.Add(End(1));

        Assert.NotEqual(old, resend);
        Assert.False(window.MarkDone(old));
        Assert.Equal((0, default(JournalPosition)), window.Advance());
        Assert.True(window.MarkDone(resend));
        Assert.Equal((1, End(1)), window.Advance());
    }
}
