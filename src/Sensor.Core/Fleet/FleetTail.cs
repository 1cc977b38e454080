using System.Text.Json;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Sensor.Core.Detection;
using Sensor.Core.Output;

namespace Sensor.Core.Fleet;

/// <summary>Which findings `sensor tail` shows: kinds (any of), a lowest severity, one sensor.</summary>
public sealed record FleetTailFilter(IReadOnlyList<string> Kinds, Severity? MinSeverity = null, string? Sensor = null)
{
    /// <summary>
    /// The consumer's filter subject: the sensor, and the kind when there is one. Several kinds and the
    /// severity are checked here, and so is the subject again: nats-server before 2.10 ignores the
    /// filter of the client's ordered consumer and sends the whole stream.
    /// </summary>
    public string ServerSubject => FleetSubjects.Of(Sensor ?? "*", FleetSubjects.Finding, Kinds.Count == 1 ? Kinds[0] : "*");

    /// <summary>A finding's subject from the wanted sensor (the kind is checked on the record).</summary>
    public bool MatchesSubject(string subject) =>
        subject.Split('.') is ["sensor", var sensor, FleetSubjects.Finding, _] && (Sensor is null || sensor == Sensor);

    public bool Matches(FindingRecord finding) =>
        (Kinds.Count == 0 || Kinds.Contains(finding.Kind))
        && (MinSeverity is not { } min || SeverityNames.TryParse(finding.Severity, out var severity) && severity >= min);
}

/// <summary>Where `sensor tail` starts in the stream: new findings only, everything kept, or from a time.</summary>
public sealed record FleetTailStart(bool All = false, DateTimeOffset? Since = null);

/// <summary>One finding read from the bus, with the sensor that published it.</summary>
public sealed record FleetFinding(string Sensor, FindingRecord Record, byte[] Json);

/// <summary>
/// Reads the fleet's findings from the stream through an ordered consumer (ephemeral: it leaves no
/// state on the server, and the client recreates it across reconnects at the right sequence).
/// </summary>
public static class FleetTail
{
    /// <summary>
    /// Hands each matching finding to <paramref name="onFinding"/>, in stream order. With
    /// <paramref name="follow"/> it waits for new ones until cancelled; without, it stops at the end of
    /// what the stream holds. A message that is not a finding record is passed to
    /// <paramref name="onBadMessage"/> and skipped.
    /// </summary>
    public static async Task RunAsync(INatsJSContext js, FleetTailFilter filter, FleetTailStart start, bool follow,
        Action<FleetFinding> onFinding, Action<string> onBadMessage, CancellationToken token)
    {
        var consumer = await js.CreateOrderedConsumerAsync(FleetStream.Name, new NatsJSOrderedConsumerOpts
        {
            FilterSubjects = [filter.ServerSubject],
            DeliverPolicy = start.Since is not null ? ConsumerConfigDeliverPolicy.ByStartTime
                : start.All ? ConsumerConfigDeliverPolicy.All : ConsumerConfigDeliverPolicy.New,
            OptStartTime = start.Since ?? default,
        }, token);
        if (follow)
        {
            await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: token))
                Handle(message.Subject, message.Data, filter, onFinding, onBadMessage);
            return;
        }
        while (true)
        {
            var any = false;
            await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 500 }, cancellationToken: token))
            {
                any = true;
                Handle(message.Subject, message.Data, filter, onFinding, onBadMessage);
            }
            if (!any)
                return;
        }
    }

    private static void Handle(string subject, byte[]? data, FleetTailFilter filter, Action<FleetFinding> onFinding, Action<string> onBadMessage)
    {
        if (!filter.MatchesSubject(subject))
            return;
        if (Parse(subject, data) is not { } finding)
        {
            onBadMessage($"skipped a message on {subject} that is not a finding record");
            return;
        }
        if (filter.Matches(finding.Record))
            onFinding(finding);
    }

    /// <summary>A finding from a message, or null when the subject or the JSON is not one (anyone with publish rights can write to the stream).</summary>
    public static FleetFinding? Parse(string subject, byte[]? data)
    {
        if (FleetSubjects.SensorOf(subject) is not { } sensor || data is not { Length: > 0 })
            return null;
        try
        {
            var record = JsonSerializer.Deserialize(data, RecordJsonContext.Default.FindingRecord);
            return record is { Type: "finding" } && record.Kind.Length > 0 ? new FleetFinding(sensor, record, data) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
