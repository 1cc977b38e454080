using System.Net;
using System.Text.Json;
using Sensor.Tests.Probing;
using static Sensor.Tests.Cli.SensorProcess;

namespace Sensor.Tests.FieldTest;

/// <summary>
/// `--via socks5://` on the command line: a proxy that cannot be used is one warning and the test goes
/// on from here; a malformed proxy URL is one line and exit 2. (The namespace lab with a real dante is
/// SocksVantageTests.)
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public class FieldtestViaProxyTests
{
    [Fact]
    public void AProxyThatCannotBeReachedIsOneWarning_AndTheTestGoesOn()
    {
        var port = ProbeTestSupport.FreePort(IPAddress.Loopback);
        var proxy = $"socks5://127.0.0.1:{port}";
        var run = Run("fieldtest", "127.0.0.1:25", "--proto", "smtp", "--no-db", "--json", "--timeout", "5", "--via", proxy);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"sensor: warning: no comparison from {proxy}: SOCKS proxy {proxy}: connection refused", Assert.Single(run.StderrLines));
        var record = JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement;
        Assert.Equal("encrypted", record.GetProperty("level").GetString());
        var there = Assert.Single(record.GetProperty("elsewhere").EnumerateArray());
        Assert.Equal((proxy, "vantage-unavailable"), (there.GetProperty("vantage").GetString(), there.GetProperty("outcome").GetString()));
    }

    [Theory]
    [InlineData("probe")]
    [InlineData("fieldtest")]
    public void AMalformedProxyIsOneLineAndExitTwo(string verb)
    {
        var run = Run(verb, "127.0.0.1:25", "--no-db", "--via", "socks5://127.0.0.1");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sensor: error: --via takes an agent name, tor or socks5://HOST:PORT, not 'socks5://127.0.0.1'", Assert.Single(run.StderrLines));
        Assert.Equal("", run.Stdout);
    }
}
