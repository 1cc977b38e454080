using Sensor.Core.Capture;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Live;

/// <summary>
/// Live evidence: when a finding is made, the packets of its flow still in the worker's ring (those
/// since the session began) go to DIR/ID-KIND.pcap (mode 0600), named as replay names them, and the
/// record gets the path. It must come before the other sinks so they write the path too.
/// </summary>
internal sealed class LiveEvidenceSink(string directory, FlowRings rings) : IRecordSink
{
    public long FilesWritten { get; private set; }

    /// <summary>Findings whose flow's ring had already been released: no file, no path in the record.</summary>
    public long RingsMissing { get; private set; }

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        var session = finding.Session;
        var packets = rings.Copy(session.Client, session.Server, session.StartTicks);
        if (packets.Count == 0)
        {
            RingsMissing++;
            return;
        }
        var path = EvidencePlan.PathFor(directory, finding);
        using (var writer = new EvidencePcapWriter(path, packets[0].LinkType, nanosecond: true))
            foreach (var packet in packets.Where(p => p.LinkType == writer.LinkType))
                writer.Write(packet.Ticks, packet.Data, packet.OriginalLength);
        record.Evidence["pcap"] = path;
        FilesWritten++;
    }
}
