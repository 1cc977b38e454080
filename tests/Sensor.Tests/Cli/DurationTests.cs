using Sensor.Cli;
using Sensor.Cli.Service;

namespace Sensor.Tests.Cli;

/// <summary>One duration syntax for the command line and the config file.</summary>
public class DurationTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("30m1h", 5_400_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("1d2h3m4s5ms", 93_784_005)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("00:05:00", 300_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void Parses(string text, long milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("5 m")]
    [InlineData("5M")]
    [InlineData("-5m")]
    [InlineData("5w")]
    [InlineData("1h 30m")]
    [InlineData("99999999999999d")]
    public void Refuses(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void CommandLine_TakesTheSameSyntax()
    {
        var since = Sensor.Cli.Commands.Options.TypedOptions.Duration("--since", "");
        var command = new System.CommandLine.RootCommand { since };
        Assert.Equal(TimeSpan.FromMinutes(90), command.Parse(["--since", "1h30m"]).GetValue(since));
        Assert.Equal("--since takes a positive duration like 7d, 12h, 1h30m or 90s, not '0s'", Assert.Single(command.Parse(["--since", "0s"]).Errors).Message);
    }

    [Fact]
    public void ConfigFile_TakesTheSameSyntax_AndNamesTheLineOfABadOne()
    {
        var dir = SensorProcess.TempDir();
        var good = Path.Combine(dir, "good.json");
        File.WriteAllText(good, "{\n \"Metrics\": { \"StatsInterval\": \"1h30m\" },\n \"CrossCheck\": { \"Ttl\": \"7d\", \"Wait\": \"00:00:20\" }\n}\n");
        var settings = SettingsLoader.Load(good).Settings;
        Assert.Equal(TimeSpan.FromMinutes(90), settings.Metrics.StatsInterval);
        Assert.Equal(TimeSpan.FromDays(7), settings.CrossCheck.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.CrossCheck.Wait);

        var bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, "{\n \"Metrics\": {\n  \"StatsInterval\": \"5 minutes\"\n }\n}\n");
        var error = Assert.Throws<ConfigException>(() => SettingsLoader.Load(bad));
        Assert.Equal($"{bad}:3: Metrics:StatsInterval: expected a duration like 90s, 5m, 1h30m or 7d, not '5 minutes'", error.Message);
    }
}
