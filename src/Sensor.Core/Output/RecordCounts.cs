using System.Runtime.InteropServices;
using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>
/// Counts sessions, findings by kind and anomalies by name for the stats record. Bounded: past
/// <see cref="MaxNames"/> distinct anomaly names (TLS alert numbers are a family a hostile peer can
/// vary) the rest are counted under <see cref="OtherNames"/>. Safe to call from several threads.
/// </summary>
public sealed class RecordCounts : IRecordSink
{
    public const int MaxNames = 1000;
    public const string OtherNames = "(other)";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _findingsByKind = [];
    private readonly Dictionary<string, long> _anomalies = [];
    private long _sessions;
    private long _findings;

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        lock (_lock)
        {
            _sessions++;
            foreach (var anomaly in session.Anomalies)
                Increment(_anomalies, anomaly);
        }
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        lock (_lock)
        {
            _findings++;
            Increment(_findingsByKind, finding.Kind);
        }
    }

    /// <summary>Copies the counts so far into <paramref name="record"/>.</summary>
    public StatsRecord Fill(StatsRecord record)
    {
        lock (_lock)
        {
            record.Sessions = _sessions;
            record.Findings = _findings;
            record.FindingsByKind = new Dictionary<string, long>(_findingsByKind);
            record.AnomaliesByName = new Dictionary<string, long>(_anomalies);
        }
        return record;
    }

    private static void Increment(Dictionary<string, long> counts, string key)
    {
        if (counts.Count >= MaxNames && !counts.ContainsKey(key))
            key = OtherNames;
        CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
    }
}
