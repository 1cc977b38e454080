using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Sensor.Core.Agents;
using Sensor.Core.Fleet;
using Sensor.Core.Output;
using Sensor.Tests.Agents;
using Sensor.Tests.Cli;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Fleet;

/// <summary>A finding as `sensor tail --json` prints it: the record and the sensor that published it.</summary>
public sealed record TailedFinding(string Sensor, FindingRecord Record)
{
    public string? User => Record.User();

    /// <summary>What the manifest says of a finding, with the sensor in front, for exact comparison.</summary>
    public string Key => $"{Sensor} {Record.Kind}/{Record.Variant} {Record.Protocol} {Record.Client}->{Record.Server} user={User}";
}

internal static class FleetTestSupport
{
    /// <summary>`sensor replay --json` of bundled captures as sensor <paramref name="sensor"/>, with its own store in <paramref name="folder"/>.</summary>
    public static SensorRun ReplayAs(string[] bus, string sensor, string folder, params string[] captures) =>
        SensorProcess.Run(["replay", "--json", "--db", Path.Combine(folder, "sensor.db"), "--sensor-name", sensor, .. bus,
            .. captures.Select(SensorProcess.BundledCapture)]);

    /// <summary>`sensor tail --all --no-follow --json` plus <paramref name="filters"/>: what the stream holds now.</summary>
    public static (SensorRun Run, List<TailedFinding> Findings) Tail(NatsServer nats, params string[] filters)
    {
        var run = SensorProcess.Run(["tail", .. nats.CredentialArgs(), "--all", "--no-follow", "--json", .. filters]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return (run, [.. run.StdoutLines.Select(ParseTailLine)]);
    }

    public static TailedFinding ParseTailLine(string line)
    {
        using var document = JsonDocument.Parse(line);
        var sensor = document.RootElement.GetProperty("sensor").GetString()!;
        return new TailedFinding(sensor, JsonSerializer.Deserialize(line, RecordJsonContext.Default.FindingRecord)!);
    }

    /// <summary>The manifest's findings of a capture, as <see cref="TailedFinding.Key"/>s of sensor <paramref name="sensor"/>.</summary>
    public static IEnumerable<string> ManifestKeys(string sensor, string capture) =>
        Manifest.Load().Captures.Single(c => c.File == capture).Findings
            .Select(f => $"{sensor} {f.Kind}/{f.Variant} {f.Protocol} {f.Client}->{f.Server} user={f.User}");

    /// <summary>The finding ids of a sensor's own --json output, in the order it made them.</summary>
    /// <summary>The records a run sends to the bus: all it wrote but the closing stats record, which stays local.</summary>
    public static int BusRecords(SensorRun run) => run.StdoutLines.Count(l => !l.StartsWith("{\"type\":\"stats\"", StringComparison.Ordinal));

    public static List<string> FindingIds(SensorRun run) =>
        [.. run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "finding")
            .Select(r => r.GetProperty("id").GetString()!)];

    public static NatsOpts Options(NatsServer nats) =>
        AgentBus.Options(nats.Url, new BusCredentials(User: NatsServer.User, Password: nats.Password), "fleet-test", TimeSpan.FromSeconds(5));

    /// <summary>Every message the stream holds, oldest first: (subject, Nats-Msg-Id).</summary>
    public static async Task<List<(string Subject, string? MsgId)>> StreamMessagesAsync(NatsServer nats)
    {
        await using var connection = await AgentBus.ConnectAsync(Options(nats), CancellationToken.None);
        var js = new NatsJSContext(connection);
        var consumer = await js.CreateOrderedConsumerAsync(FleetStream.Name);
        var messages = new List<(string, string?)>();
        while (true)
        {
            var before = messages.Count;
            await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1000 }))
                messages.Add((message.Subject, message.Headers?["Nats-Msg-Id"].ToString()));
            if (messages.Count == before)
                return messages;
        }
    }

    /// <summary>A capture of 2,000 real mail sessions (bench/Sensor.CaptureGen, built with the solution), made once.</summary>
    public static readonly Lazy<string> GeneratedCapture = new(() =>
    {
        var generator = Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "Sensor.Tests"), Path.Combine("bench", "Sensor.CaptureGen")), "sensor-capturegen.dll");
        Assert.True(File.Exists(generator), $"{generator} is missing: build Sensor.sln");
        var capture = Path.Combine(SensorProcess.TempDir(), "mail-2000.pcap");
        var run = SensorProcess.RunProgram("dotnet", [generator, capture, "--mail-sessions", "2000", "--min-bytes", "0", "--duration-seconds", "60"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return capture;
    });

    /// <summary>How many messages the stream holds (0 before it exists).</summary>
    public static async Task<long> StreamCountAsync(NatsServer nats)
    {
        await using var connection = await AgentBus.ConnectAsync(Options(nats), CancellationToken.None);
        var js = new NatsJSContext(connection);
        try
        {
            return (await js.GetStreamAsync(FleetStream.Name)).Info.State.Messages;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return 0;
        }
    }

    /// <summary>A loopback URL where nothing listens: a bus that is down.</summary>
    public static string[] DeadBus(NatsServer credentialsFrom) =>
        ["--bus", $"nats://127.0.0.1:{Probing.ProbeTestSupport.FreePort(System.Net.IPAddress.Loopback)}", "--user", NatsServer.User, "--password-file", credentialsFrom.PasswordFile];
}
