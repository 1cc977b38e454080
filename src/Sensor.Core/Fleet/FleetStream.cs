using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Sensor.Core.Fleet;

/// <summary>
/// The JetStream stream that carries and keeps the fleet's records. A sensor (or `sensor tail`) creates
/// it when it is missing; when it exists, only missing subjects are added, so limits an operator set
/// (age, size, replicas) are kept.
/// </summary>
public static class FleetStream
{
    public const string Name = "SENSOR";

    /// <summary>How long the stream keeps a record, unless the operator changed it.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the server remembers a Nats-Msg-Id: a record re-sent within it (an ack lost, then a
    /// retry; or the same capture replayed again after the sensor was killed) is stored once. A sensor
    /// retries at most 5 s apart; the server keeps every id of the window in memory, so it is not made longer.
    /// </summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(10);

    public static StreamConfig Config() => new(Name, FleetSubjects.StreamSubjects)
    {
        Description = "Sensor fleet: sessions, findings and verdicts of every sensor",
        Storage = StreamConfigStorage.File,
        Retention = StreamConfigRetention.Limits,
        Discard = StreamConfigDiscard.Old,
        MaxAge = MaxAge,
        DuplicateWindow = DuplicateWindow,
    };

    public static async Task EnsureAsync(INatsJSContext js, CancellationToken token)
    {
        INatsJSStream stream;
        try
        {
            stream = await js.GetStreamAsync(Name, cancellationToken: token);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            await js.CreateStreamAsync(Config(), token);
            return;
        }
        var subjects = stream.Info.Config.Subjects ?? [];
        var missing = FleetSubjects.StreamSubjects.Except(subjects).ToList();
        if (missing.Count > 0)
            await js.UpdateStreamAsync(stream.Info.Config with { Subjects = [.. subjects, .. missing] }, token);
    }
}
