using Sensor.Core.Catalogue;
using Sensor.Core.Detection;
using Sensor.Core.Protocols;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>
/// Turns sessions and findings into the records every sink writes; the one place secrets are redacted.
/// Every record names <paramref name="run"/>, the run that made it (null where no run is kept).
/// </summary>
public sealed class RecordMapper(SecretRedactor redactor, string? run = null)
{
    /// <summary>The run every record names; verdicts and evidence records, made elsewhere, take it from here.</summary>
    public string? Run => run;

    public SessionRecord ToRecord(MailSession session)
    {
        var start = Rfc3339.Format(session.StartTicks);
        return Flow(session, new SessionRecord
        {
            Ts = start,
            Id = session.Id,
            Protocol = session.Protocol.ToWire(),
            Start = start,
            End = Rfc3339.Format(session.EndTicks),
            Banner = session.Banner,
            ServerName = session.ServerName,
            Capabilities = new List<string>(session.Capabilities),
            StarttlsOffered = session.StartTlsOffered,
            StarttlsAttempted = session.StartTlsAttempted,
            StarttlsReply = session.StartTlsReply is { } reply ? $"{reply.Status} {reply.Text}".Trim() : null,
            TlsEstablished = session.TlsEstablished,
            ImplicitTls = session.ImplicitTls,
            TlsVersion = session.TlsVersion,
            TlsCipher = session.TlsCipher,
            TlsSni = session.TlsServerNameIndication,
            TlsCertSha256 = session.Certificate?.Sha256,
            TlsCertSubject = session.Certificate?.Subject,
            TlsCertIssuer = session.Certificate?.Issuer,
            TlsCertNotAfter = session.Certificate is { } cert ? Rfc3339.Format(cert.NotAfter) : null,
            Auth = AuthRecords(session.Credentials),
            Messages = session.Messages,
            BytesClient = session.BytesClient,
            BytesServer = session.BytesServer,
            MidStream = session.MidStream,
            Anomalies = new List<string>(session.Anomalies),
            ServerTcp = TcpTraitsRecord.Of(session.ServerSynAck, session.ClientSyn),
            Run = run,
        });
    }

    /// <summary>The flow fields: the client is the source (it opened the connection), the server the destination.</summary>
    private static T Flow<T>(MailSession session, T record) where T : IFlowRecord
    {
        record.SrcIp = session.ClientIp;
        record.SrcPort = session.Client.Port;
        record.DestIp = session.ServerIp;
        record.DestPort = session.Server.Port;
        record.CommunityId = session.CommunityId;
        record.Client = session.ClientText;
        record.Server = session.ServerText;
        return record;
    }

    /// <summary>A list of the exact size, made without an enumerator or a delegate (this runs for every session).</summary>
    private static List<AuthRecord> AuthRecords(List<ObservedCredential> credentials)
    {
        var records = new List<AuthRecord>(credentials.Count);
        foreach (var c in credentials)
            records.Add(new AuthRecord { Mechanism = c.Credential.Mechanism, User = c.Credential.User, UserBase64 = c.Credential.UserBase64, Accepted = c.Accepted });
        return records;
    }

    public FindingRecord ToRecord(Finding finding)
    {
        var evidence = new Dictionary<string, object?>(finding.Evidence.Count + 2);
        foreach (var (key, value) in finding.Evidence)
            evidence.Add(key, value);
        if (finding.Secret is not null)
        {
            evidence[EvidenceKeys.Secret] = redactor.Value(finding.Secret);
            if (finding.SecretBase64 is not null && redactor.Reveal)
                evidence[EvidenceKeys.SecretBase64] = finding.SecretBase64; // the exact bytes, which were not UTF-8
            evidence[EvidenceKeys.SecretFingerprint] = redactor.Fingerprint(finding.Secret, finding.SecretBase64);
        }
        return Flow(finding.Session, new FindingRecord
        {
            Ts = Rfc3339.Format(finding.Ticks),
            Id = finding.Id,
            Kind = finding.Kind,
            Variant = finding.Variant,
            Severity = finding.Severity.ToWire(),
            Confidence = finding.Confidence,
            Protocol = finding.Session.Protocol.ToWire(),
            ServerName = finding.Session.ServerName,
            Session = finding.Session.Id,
            Summary = finding.Summary,
            Evidence = evidence,
            Run = run,
        });
    }
}
