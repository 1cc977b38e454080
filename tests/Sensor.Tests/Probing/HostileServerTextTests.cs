using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sensor.Cli;
using Sensor.Tests.Cli;

namespace Sensor.Tests.Probing;

/// <summary>
/// A hostile server on loopback whose greeting carries C0 and C1 controls (0x9B, the 8-bit CSI), UTF-8
/// and bytes that are not UTF-8: the probe's table and JSON show its words as text, every control
/// escaped, and the log file a peer's words reach is escaped the same way.
/// </summary>
public class HostileServerTextTests
{
    private static readonly byte[] Greeting = [.. "554 mail.éxample.test "u8, 0x9b, .. "31m "u8, 0x1b, .. "[2J "u8, 0x85, 0xff, .. " go away\r\n"u8];
    private const string Shown = @"554 mail.éxample.test \x9b31m \x1b[2J \x85\xff go away";

    /// <summary>Serves connections (one per probe run) with the hostile greeting until disposed.</summary>
    private sealed class HostileServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public HostileServer()
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    using var socket = await _listener.AcceptSocketAsync();
                    await socket.SendAsync(Greeting);
                    var buffer = new byte[512];
                    try
                    {
                        while (await socket.ReceiveAsync(buffer) > 0)
                        {
                        }
                    }
                    catch (SocketException)
                    {
                    }
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose() => _listener.Stop();
    }

    private static void AssertTerminalSafe(string text)
    {
        Assert.DoesNotContain(text, c => c is < '\x20' and not '\n' || c is >= '\x7f' and <= '\x9f');
    }

    [Fact]
    public void TheProbeTableShowsTheServersWordsAsUtf8WithEveryControlEscaped()
    {
        using var server = new HostileServer();
        var run = SensorProcess.Run("probe", $"127.0.0.1:{server.Port}", "--proto", "smtp", "--no-db", "--timeout", "5");
        AssertTerminalSafe(run.Stdout);
        AssertTerminalSafe(run.Stderr);
        Assert.Contains($"greeting is not 220: {Shown}", run.Stdout);
    }

    [Fact]
    public void TheProbeRecordCarriesTheSameText()
    {
        using var server = new HostileServer();
        var run = SensorProcess.Run("probe", $"127.0.0.1:{server.Port}", "--proto", "smtp", "--no-db", "--timeout", "5", "--json");
        var record = JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement;
        Assert.Equal(Shown, record.GetProperty("banner").GetString());
        Assert.Equal($"greeting is not 220: {Shown}", record.GetProperty("error").GetString());
    }

    [Fact]
    public void TheLogFileEscapesWhatAPeerSent()
    {
        var path = Path.Combine(SensorProcess.TempDir(), "sensor.log");
        Logging.Configure(verbose: false, path);
        Serilog.Log.Information("{Line}", "request from evil\u001b[31m\u009b2J\nforged line: 0 record(s)");
        Serilog.Log.CloseAndFlush();
        var text = File.ReadAllText(path);
        AssertTerminalSafe(text.TrimEnd('\n'));
        Assert.EndsWith(@"request from evil\x1b[31m\x9b2J\x0aforged line: 0 record(s)" + "\n", text);
    }
}
