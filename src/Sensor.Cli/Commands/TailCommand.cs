using System.CommandLine;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Sensor.Cli.Commands.Options;
using Sensor.Core.Detection;
using Sensor.Core.Fleet;
using Sensor.Core.Output;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>`sensor tail --bus nats://...`: follows the findings of every sensor that publishes to the bus.</summary>
public static class TailCommand
{
    private static readonly BusOptions Bus = new();
    private static readonly Option<string[]> Kind = new Option<string[]>("--kind") { Description = "only findings of this kind (repeatable), e.g. starttls-stripped", HelpName = "KIND" }
        .Checked(kind => FleetSubjects.IsValidName(kind) ? null : $"--kind takes a finding kind such as starttls-stripped, not '{kind}'");
    private static readonly Option<Severity?> SeverityOption = TypedOptions.Severity("--severity", "only findings of this severity or higher (info, low, medium, high)");
    private static readonly Option<string?> Sensor = new Option<string?>("--sensor") { Description = "only findings of this sensor (its --sensor-name)", HelpName = "NAME" }
        .Checked(name => FleetSubjects.IsValidName(name) ? null : $"--sensor takes a sensor name (1-64 letters, digits, '-' or '_'), not '{name}'");
    private static readonly Option<bool> All = new("--all") { Description = "start with every finding the stream keeps (default: only new ones)" };
    private static readonly Option<TimeSpan?> Since = TypedOptions.Duration("--since", "start with the findings of the last 7d, 12h, 30m or 90s");
    private static readonly Option<bool> NoFollow = new("--no-follow") { Description = "stop at the end of what the stream holds instead of waiting for more" };
    private static readonly Option<bool> Json = CommonOptions.Json("write each finding as its JSON record, with a \"sensor\" field first");

    public static Command Build()
    {
        var command = new Command("tail", "Follow the findings of every sensor publishing to a NATS JetStream bus (sensor live/replay --bus), one line each; until interrupted")
        {
            Kind, SeverityOption, Sensor, All, Since, NoFollow, Json, CommonOptions.LogFile, CommonOptions.Verbose,
        };
        foreach (var option in Bus.All)
            command.Options.Add(option);
        command.SetAction((result, token) => RunAsync(result, token));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken token)
    {
        CommonOptions.ConfigureLogging(result);
        FleetTailFilter filter;
        FleetTailStart start;
        NatsOpts opts;
        try
        {
            (filter, start) = ReadFilter(result);
            opts = Bus.Read(result, "sensor-tail", TimeSpan.FromSeconds(5));
        }
        catch (UsageException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        if (await BusOptions.ConnectOrLogAsync(opts, token) is not { } nats)
            return ExitCodes.BadInput;
        await using (nats)
        {
            var js = new NatsJSContext(nats);
            var json = result.GetValue(Json);
            using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
            try
            {
                await FleetStream.EnsureAsync(js, token);
                await FleetTail.RunAsync(js, filter, start, follow: !result.GetValue(NoFollow),
                    finding => stdout.WriteLine(json ? WithSensor(finding) : FindingLine.Format(finding.Record, finding.Sensor)),
                    bad => Log.Warning("{Line}", bad), token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (NatsException e)
            {
                Log.Error("tail stopped: {Message}", BusOptions.Describe(e, opts.Url));
                return ExitCodes.BadInput;
            }
        }
        return ExitCodes.Ok;
    }

    private static (FleetTailFilter, FleetTailStart) ReadFilter(ParseResult result)
    {
        var kinds = result.GetValue(Kind) ?? [];
        if (result.GetValue(All) && result.GetValue(Since) is not null)
            throw new UsageException("give --all or --since, not both");
        DateTimeOffset? since = result.GetValue(Since) is { } age ? DateTimeOffset.UtcNow - age : null;
        return (new FleetTailFilter(kinds.Distinct().ToList(), result.GetValue(SeverityOption), result.GetValue(Sensor)), new FleetTailStart(result.GetValue(All), since));
    }

    /// <summary>The record as published, with the publishing sensor's name as its first field.</summary>
    private static string WithSensor(FleetFinding finding)
    {
        using var document = JsonDocument.Parse(finding.Json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("sensor", finding.Sensor);
            foreach (var property in document.RootElement.EnumerateObject())
                if (property.Name != "sensor")
                    property.WriteTo(writer);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
