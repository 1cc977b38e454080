using Sensor.Core.Detection;
using Sensor.Core.Decoding;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>One evidence file to write: the packets of one session's flow, for one finding.</summary>
public sealed record EvidenceRequest(Endpoint Client, Endpoint Server, long FirstTicks, long LastTicks, string Path,
    string FindingId, string SessionId, string Ts);

/// <summary>
/// Collects an evidence request for each finding as it is made; the files are written after the run by
/// a second pass over the capture, which costs no memory while replaying, and each written file is
/// then reported as an <see cref="EvidenceRecord"/>.
/// </summary>
public sealed class EvidencePlan(string directory) : IRecordSink
{
    public List<EvidenceRequest> Requests { get; } = [];

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        var session = finding.Session;
        Requests.Add(new EvidenceRequest(session.Client, session.Server, session.StartTicks, session.EndTicks,
            PathFor(directory, finding), record.Id, record.Session, record.Ts));
    }

    /// <summary>DIR/ID-KIND[-VARIANT].pcap: replay and live name a finding's evidence alike.</summary>
    public static string PathFor(string directory, Finding finding)
    {
        var name = finding.Variant is null ? finding.Kind : $"{finding.Kind}-{finding.Variant}";
        return System.IO.Path.Combine(directory, $"{finding.Id}-{name}.pcap");
    }
}
