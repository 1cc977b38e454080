using Sensor.Core.CrossCheck;
using Sensor.Core.Output;

namespace Sensor.Tests.CrossCheck;

/// <summary>A clock that says what the test wants.</summary>
public sealed class FixedClock(DateTime utc) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(utc, TimeSpan.Zero);
}

/// <summary>Probe records as another vantage point's `sensor probe --json` would write them.</summary>
public static class Probes
{
    public static readonly DateTime Now = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);
    public static readonly string CertA = new('a', 64);
    public static readonly string CertB = new('b', 64);

    public static ProbeRecord Ok(string vantage, string server, double hoursAgo = 1, string? cert = null, string? name = null, string protocol = "imap") =>
        Make(vantage, server, hoursAgo, "ok", offered: true, tls: true, cert ?? CertA, name, protocol);

    public static ProbeRecord Absent(string vantage, string server, double hoursAgo = 1, string? name = null, string protocol = "imap") =>
        Make(vantage, server, hoursAgo, "starttls-absent", offered: false, tls: false, null, name, protocol);

    public static ProbeRecord Failed(string vantage, string server, string outcome, double hoursAgo = 1) =>
        Make(vantage, server, hoursAgo, outcome, offered: false, tls: false, null, null, "imap");

    public static ProbeRecord Make(string vantage, string server, double hoursAgo, string outcome, bool offered, bool tls, string? cert, string? name, string protocol) => new()
    {
        Vantage = vantage,
        Ts = Rfc3339.Format(Now - TimeSpan.FromHours(hoursAgo)),
        Target = server,
        Server = server,
        ServerName = name,
        Protocol = protocol,
        Port = int.Parse(server[(server.LastIndexOf(':') + 1)..]),
        StarttlsOffered = offered,
        StarttlsAttempted = offered,
        TlsEstablished = tls,
        CertSha256 = cert,
        Outcome = outcome,
    };

    /// <summary>The lines of a JSON Lines file, as `sensor probe --json` writes them.</summary>
    public static string JsonLines(params ProbeRecord[] records)
    {
        using var buffer = new MemoryStream();
        using (var writer = new JsonLinesWriter(buffer))
            foreach (var record in records)
                writer.Write(record);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>Keeps the verdicts a run makes.</summary>
public sealed class VerdictSink : IRecordSink
{
    public List<VerdictRecord> Verdicts { get; } = [];
    public void OnSession(Sensor.Core.Sessions.MailSession session, SessionRecordOnDemand record) { }
    public void OnFinding(Sensor.Core.Detection.Finding finding, FindingRecord record) { }
    public void OnVerdict(VerdictRecord record) => Verdicts.Add(record);
}
