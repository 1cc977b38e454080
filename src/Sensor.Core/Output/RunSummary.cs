using Sensor.Core.Protocols;
using System.Runtime.InteropServices;
using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>Counts for the console summary: sessions by protocol, findings by kind, the servers with most findings.</summary>
public sealed class RunSummary : IRecordSink
{
    public const int MaxKeptFindings = 1000;

    /// <summary>Distinct servers counted one by one; the rest are counted together, so memory stays bounded.</summary>
    public const int MaxServersCounted = 10_000;
    public const string OtherServers = "(other servers)";

    public Dictionary<string, int> SessionsByProtocol { get; } = [];
    public Dictionary<string, int> FindingsByKind { get; } = [];
    public Dictionary<string, int> FindingsByServer { get; } = [];
    public List<FindingRecord> Findings { get; } = [];
    public List<VerdictRecord> Verdicts { get; } = [];
    public int FindingCount { get; private set; }

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        Increment(SessionsByProtocol, session.Protocol.ToWire());
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        FindingCount++;
        Increment(FindingsByKind, finding.Variant is null ? finding.Kind : $"{finding.Kind}/{finding.Variant}");
        Increment(FindingsByServer, ServerLabel(record.Server, record.ServerName));
        if (Findings.Count < MaxKeptFindings)
            Findings.Add(record);
    }

    public void OnVerdict(VerdictRecord record)
    {
        if (Verdicts.Count < MaxKeptFindings)
            Verdicts.Add(record);
    }

    private static string ServerLabel(string server, string? name) => name is null ? server : $"{server} ({name})";

    /// <summary>One lookup while the bound is not reached (this runs for every session and finding).</summary>
    private static void Increment(Dictionary<string, int> counts, string key)
    {
        if (counts.Count >= MaxServersCounted && !counts.ContainsKey(key))
            key = OtherServers;
        CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
    }
}
