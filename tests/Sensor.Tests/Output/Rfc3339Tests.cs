using System.Globalization;
using Sensor.Core.Output;
using Xunit;

namespace Sensor.Tests.Output;

public class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-11-29T14:05:09.0123456Z", "2026-11-29T14:05:09.012345Z")]
    [InlineData("0001-01-01T00:00:00.0000000Z", "0001-01-01T00:00:00.000000Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999999Z")]
    [InlineData("1970-01-01T00:00:00.0000010Z", "1970-01-01T00:00:00.000001Z")]
    [InlineData("2024-02-29T07:08:00.5000000Z", "2024-02-29T07:08:00.500000Z")]
    public void Formats_utc_with_microseconds_truncated(string roundTrip, string expected)
    {
        var time = DateTime.Parse(roundTrip, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(expected, Rfc3339.Format(time.Ticks));
    }

    [Fact]
    public void Matches_the_custom_format_string_over_many_ticks()
    {
        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            long ticks = random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
            var expected = new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            Assert.Equal(expected, Rfc3339.Format(ticks));
        }
    }
}
