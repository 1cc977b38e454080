using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Tests.Replay;

/// <summary>Keeps every record a run produces, in order.</summary>
public sealed class CollectingSink : IRecordSink
{
    public List<SessionRecord> Sessions { get; } = [];
    public List<FindingRecord> Findings { get; } = [];
    public List<MailSession> RawSessions { get; } = [];
    public List<Finding> RawFindings { get; } = [];

    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        Sessions.Add(record.Value);
        RawSessions.Add(session);
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        Findings.Add(record);
        RawFindings.Add(finding);
    }

    /// <summary>The sessions in the manifest's terms, sorted, one line each.</summary>
    public List<string> SessionLines() =>
        Sessions.Select(s => new ManifestSession
        {
            Protocol = s.Protocol, Client = s.Client, Server = s.Server, ServerName = s.ServerName,
            StarttlsOffered = s.StarttlsOffered, StarttlsAttempted = s.StarttlsAttempted,
            TlsEstablished = s.TlsEstablished, TlsVersion = s.TlsVersion,
            Auth = s.Auth.Select(a => new ManifestAuth { Mechanism = a.Mechanism, User = a.User }).ToList(),
            Messages = s.Messages,
        }.ToString()).Order(StringComparer.Ordinal).ToList();

    public List<string> FindingLines() =>
        Findings.Select(f => new ManifestFinding
        {
            Kind = f.Kind, Variant = f.Variant, Protocol = f.Protocol, Client = f.Client, Server = f.Server,
            User = f.User(),
        }.ToString()).Order(StringComparer.Ordinal).ToList();
}
