using Sensor.Core.Survey;

namespace Sensor.Tests.Survey;

public class DestinationLimiterTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task AtMostNAtOnceToOneAddressOthersFree()
    {
        var limiter = new DestinationLimiter(2);
        var one = await limiter.AcquireAsync(["10.0.0.1"], default);
        var two = await limiter.AcquireAsync(["10.0.0.1"], default);
        var third = limiter.AcquireAsync(["10.0.0.1"], default);
        await Task.Delay(Short);
        Assert.False(third.IsCompleted);
        using (await limiter.AcquireAsync(["10.0.0.2"], default).WaitAsync(TimeSpan.FromSeconds(5)))
            Assert.Equal(2, limiter.Tracked);
        one.Dispose();
        var lease = await third.WaitAsync(TimeSpan.FromSeconds(5));
        two.Dispose();
        lease.Dispose();
        Assert.Equal(0, limiter.Tracked);
    }

    [Fact]
    public async Task SeveralAddressesInAnyOrderDoNotDeadlock()
    {
        var limiter = new DestinationLimiter(1);
        var first = await limiter.AcquireAsync(["b", "a"], default);
        var second = limiter.AcquireAsync(["a", "b", "a"], default);
        await Task.Delay(Short);
        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, limiter.Tracked);
    }

    [Fact]
    public async Task CancelledWaitGivesBackWhatItHeld()
    {
        var limiter = new DestinationLimiter(1);
        var held = await limiter.AcquireAsync(["b"], default);
        using var cts = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(["a", "b"], cts.Token);
        await Task.Delay(Short);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        (await limiter.AcquireAsync(["a"], default).WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        held.Dispose();
        Assert.Equal(0, limiter.Tracked);
    }

    [Fact]
    public void ZeroIsRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => new DestinationLimiter(0));
}
