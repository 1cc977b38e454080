using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// A sink that gathers, per server (protocol and endpoint), what the capture saw: sessions, STARTTLS
/// findings, refusals and certificates. At most <see cref="MaxServers"/> servers are followed.
/// A session that lacked STARTTLS, had it refused or showed a certificate raises a question about
/// its server: <paramref name="onQuestion"/> (protocol, server, server name) is told at once.
/// </summary>
public sealed class PassiveCollector(Action<string, string, string?>? onQuestion = null) : IRecordSink
{
    public const int MaxServers = 10_000;
    public const int MaxSessionIds = 100;

    private readonly Dictionary<(string Protocol, string Server), Entry> _servers = [];

    public void OnSession(MailSession session, SessionRecord record)
    {
        if (EntryFor(record.Protocol, record.Server) is not { } entry)
            return;
        entry.Sessions++;
        entry.ServerName ??= record.ServerName;
        if (session.StartTlsReply is { Accepted: false })
            entry.Refused = true;
        if (record.TlsCertSha256 is { } cert)
            entry.Certs.Add(cert);
        if (entry.SessionIds.Count < MaxSessionIds)
            entry.SessionIds.Add(record.Id);
        if (onQuestion is not null && (LackedStartTls(session) || record.TlsCertSha256 is not null))
            onQuestion(record.Protocol, record.Server, record.ServerName);
    }

    /// <summary>No STARTTLS where it belongs (absent, mangled or stripped), or STARTTLS refused; the detector decides which.</summary>
    private static bool LackedStartTls(MailSession session) =>
        session.StartTlsReply is { Accepted: false }
        || (!session.ImplicitTls && session.GreetingSeen && session.CapabilitiesSeen && !session.StartTlsOffered && !session.TlsEstablished);

    public void OnFinding(Finding finding, FindingRecord record)
    {
        if (finding.Kind is not (FindingKinds.StartTlsAbsent or FindingKinds.StartTlsStripped))
            return;
        if (EntryFor(record.Protocol, record.Server) is { } entry)
            entry.Findings.Add(finding.Variant is null ? finding.Kind : $"{finding.Kind}/{finding.Variant}");
    }

    /// <summary>The servers worth checking, in a stable order.</summary>
    public IEnumerable<PassiveObservation> Observations() =>
        _servers
            .OrderBy(s => s.Key.Protocol, StringComparer.Ordinal).ThenBy(s => s.Key.Server, StringComparer.Ordinal)
            .Select(s => new PassiveObservation(s.Key.Protocol, s.Key.Server, s.Value.ServerName, s.Value.Sessions,
                [.. s.Value.Findings], s.Value.Refused, [.. s.Value.Certs], [.. s.Value.SessionIds]))
            .Where(o => o.WorthChecking);

    private Entry? EntryFor(string protocol, string server)
    {
        if (_servers.TryGetValue((protocol, server), out var entry))
            return entry;
        if (_servers.Count >= MaxServers)
            return null;
        return _servers[(protocol, server)] = new Entry();
    }

    private sealed class Entry
    {
        public int Sessions;
        public string? ServerName;
        public bool Refused;
        public readonly SortedSet<string> Findings = new(StringComparer.Ordinal);
        public readonly SortedSet<string> Certs = new(StringComparer.Ordinal);
        public readonly List<string> SessionIds = [];
    }
}
