using Sensor.Core.Agents;

namespace Sensor.Tests.Agents;

public class RateLimiterTests
{
    private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private RateLimiter Limiter(int limit) => new(limit, TimeSpan.FromMinutes(1), () => _now);

    [Fact]
    public void GrantsUpToTheLimitThenRefusesWithTheWait()
    {
        var rate = Limiter(3);
        Assert.Equal((2, TimeSpan.Zero), rate.Acquire("a", 2));
        _now += TimeSpan.FromSeconds(20);
        Assert.Equal((1, TimeSpan.FromSeconds(40)), rate.Acquire("a", 2));
        Assert.Equal((0, TimeSpan.FromSeconds(40)), rate.Acquire("a", 1));
    }

    [Fact]
    public void WindowSlides()
    {
        var rate = Limiter(2);
        Assert.Equal(1, rate.Acquire("a", 1).Granted);
        _now += TimeSpan.FromSeconds(30);
        Assert.Equal(1, rate.Acquire("a", 1).Granted);
        _now += TimeSpan.FromMilliseconds(29_999);
        Assert.Equal((0, TimeSpan.FromMilliseconds(1)), rate.Acquire("a", 1));
        _now += TimeSpan.FromMilliseconds(1); // the first is exactly one minute old: out of the window
        Assert.Equal((1, TimeSpan.Zero), rate.Acquire("a", 1));
        Assert.Equal((0, TimeSpan.FromSeconds(30)), rate.Acquire("a", 1));
        _now += TimeSpan.FromMinutes(2);
        Assert.Equal((2, TimeSpan.FromMinutes(1)), rate.Acquire("a", 5));
    }

    [Fact]
    public void RequestersAreCountedApart()
    {
        var rate = Limiter(1);
        Assert.Equal(1, rate.Acquire("a", 1).Granted);
        Assert.Equal(0, rate.Acquire("a", 1).Granted);
        Assert.Equal(1, rate.Acquire("b", 1).Granted);
    }

    [Fact]
    public void ZeroWantedTakesNothing()
    {
        var rate = Limiter(1);
        Assert.Equal((0, TimeSpan.Zero), rate.Acquire("a", 0));
        Assert.Equal(1, rate.Acquire("a", 1).Granted);
    }

    [Fact]
    public void RejectsNonsenseLimits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimiter(0, TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimiter(1, TimeSpan.Zero));
    }
}
