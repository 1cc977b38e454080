using Sensor.Core.Survey;

namespace Sensor.Tests.Survey;

public class DestinationLimiterTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task AtMostNAtOnceToOneAddressOthersFree()
    {
        var limiter = new DestinationLimiter(2);
        var one = await limiter.AcquireAsync("10.0.0.1", default);
        var two = await limiter.AcquireAsync("10.0.0.1", default);
        var third = limiter.AcquireAsync("10.0.0.1", default);
        await Task.Delay(Short);
        Assert.False(third.IsCompleted);
        using (await limiter.AcquireAsync("10.0.0.2", default).WaitAsync(TimeSpan.FromSeconds(5)))
            Assert.Equal(2, limiter.Tracked);
        one.Dispose();
        var lease = await third.WaitAsync(TimeSpan.FromSeconds(5));
        two.Dispose();
        lease.Dispose();
        Assert.Equal(0, limiter.Tracked);
    }

    [Fact]
    public async Task CancelledWaitGivesItsPlaceBack()
    {
        var limiter = new DestinationLimiter(1);
        var held = await limiter.AcquireAsync("b", default);
        using var cts = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync("b", cts.Token);
        await Task.Delay(Short);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, limiter.Tracked);
        held.Dispose();
        held.Dispose();
        Assert.Equal(0, limiter.Tracked);
        (await limiter.AcquireAsync("b", default).WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, limiter.Tracked);
    }

    [Fact]
    public void ZeroIsRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => new DestinationLimiter(0));
}
