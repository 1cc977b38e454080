using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Core.Output;
using Sensor.Core.Sessions;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Live;

/// <summary>Records arrive on sessions threads while a test reads them: both sides take the sink's lock.</summary>
public sealed class LockedSink(CollectingSink inner) : IRecordSink
{
    public CollectingSink Inner => inner;

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        lock (inner)
            inner.OnSession(session, record);
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        lock (inner)
            inner.OnFinding(finding, record);
    }

    public T Read<T>(Func<CollectingSink, T> read)
    {
        lock (inner)
            return read(inner);
    }

    /// <summary>Waits (up to 10 s) until the condition holds on what was reported.</summary>
    public bool WaitFor(Func<CollectingSink, bool> condition) =>
        SpinWait.SpinUntil(() => Read(condition), TimeSpan.FromSeconds(10));
}

/// <summary>A live engine without interfaces: the tests hand it frames as the capture threads would.</summary>
public static class LiveHarness
{
    public static (LiveSensor Sensor, LockedSink Sink) NewSensor(LiveSensorOptions options)
    {
        var sink = new LockedSink(new CollectingSink());
        return (NewSensor(options, sink), sink);
    }

    /// <summary>The engine with the default rules, no store, secrets redacted, over these captures (none: frames are offered).</summary>
    public static LiveSensor NewSensor(LiveSensorOptions options, IRecordSink sink, params LiveCapture[] captures) =>
        new(captures, DefaultRules.Rules, null, new RecordMapper(new SecretRedactor(false, new byte[32])), [sink], options);

    public static void Offer(LiveSensor sensor, SegmentSpec segment) =>
        Assert.True(sensor.Offer(segment.Ticks, LinkType.Raw, segment.ToRawIpFrame(), 0), "a frame was dropped");

    /// <summary>The capture's segments with the client endpoint <paramref name="from"/> moved to <paramref name="to"/>.</summary>
    public static List<SegmentSpec> Moved(IEnumerable<SegmentSpec> segments, Endpoint from, Endpoint to) =>
        segments.Select(s => s with
        {
            Source = s.Source == from ? to : s.Source,
            Destination = s.Destination == from ? to : s.Destination,
        }).ToList();
}
