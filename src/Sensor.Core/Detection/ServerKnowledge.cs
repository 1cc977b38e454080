using Sensor.Core.Protocols;
using Sensor.Core.Decoding;
using Sensor.Core.Sessions;

namespace Sensor.Core.Detection;

/// <summary>What the store remembers of a server from earlier runs.</summary>
public interface IServerHistory
{
    /// <summary>
    /// True when the server under this key was seen offering STARTTLS in an earlier run;
    /// <paramref name="run"/> is that run's id (the last one that saw it), null when the store predates run ids.
    /// </summary>
    bool SawStartTlsOffered(string serverKey, out string? run);
}

/// <summary>What probes from other vantage points saw of a server.</summary>
public interface IProbeEvidence
{
    /// <summary>"probe from VANTAGE at TS" when fresh probes from elsewhere saw the mail session's server offer STARTTLS and complete TLS (and none saw it without), else null.</summary>
    string? WhyStartTlsExpected(MailSession session);
}

/// <summary>
/// Whether a server is known to offer STARTTLS, and why: the policy list, its own sessions in this
/// capture, its history in the store, or probes of it from another vantage point. History is keyed by endpoint and by the host name in the
/// greeting, so both legs of a proxied session (different endpoints, same banner) are compared.
/// Thread-safe: live capture shares one instance across its workers, so a verdict never depends on
/// which worker saw which session.
/// </summary>
public sealed class ServerKnowledge(RuleSetHolder ruleSet, IServerHistory? history, IProbeEvidence? probes = null)
{
    /// <summary>The rules current now (reloaded by a live sensor); named as before so the judging code reads the same.</summary>
    private RuleSet rules => ruleSet.Current;

    /// <summary>Servers remembered per run; a capture of more distinct servers stops learning new ones (the store still does).</summary>
    public const int MaxServersRemembered = 200_000;

    // Server key -> the first mail session of this capture in which the server offered STARTTLS: what known_from names.
    private readonly Dictionary<string, string> _offeredInCapture = [];

    // Client address and server key -> the first mail session in which that client upgraded with that server
    // (under the same lock): what says a later session's client knew the server offers STARTTLS.
    private readonly Dictionary<(NetAddress Client, string ServerKey), (long StartTicks, string SessionId)> _upgradedClients = [];

    public void Observe(MailSession session)
    {
        if (!session.StartTlsOffered)
            return;
        bool upgraded = session.TlsEstablished || session.StartTlsReply is { Accepted: true };
        lock (_offeredInCapture)
            foreach (var key in ServerKeys.For(session))
            {
                if (_offeredInCapture.Count < MaxServersRemembered)
                    _offeredInCapture.TryAdd(key, session.Id);
                if (upgraded && _upgradedClients.Count < MaxServersRemembered)
                    _upgradedClients.TryAdd((session.Client.Address, key), (session.StartTicks, session.Id));
            }
    }

    /// <summary>The id of an earlier session in which the mail session's client (by address) upgraded with its server, or null.</summary>
    public string? ClientUpgradedBefore(MailSession session)
    {
        lock (_offeredInCapture)
            foreach (var key in ServerKeys.For(session))
                if (_upgradedClients.TryGetValue((session.Client.Address, key), out var first) && first.StartTicks < session.StartTicks)
                    return first.SessionId;
        return null;
    }

    /// <summary>The reason to expect STARTTLS from the mail session's server, or null when nothing says so.</summary>
    public string? WhyStartTlsExpected(MailSession session)
    {
        if (rules.PolicyFor(session) is { } entry)
            return $"policy ({entry.Source})";
        var keys = ServerKeys.For(session);
        if (OfferedInCapture(keys) is { } offering)
            return $"offered in session {offering} of this capture";
        if (history is not null && OfferedInStore(keys) is { } taughtBy)
            return taughtBy;
        return probes?.WhyStartTlsExpected(session);
    }

    /// <summary>"offered in run ID (store)", naming the run that saw the offer, so an analyst can look at that run's sessions.</summary>
    private string? OfferedInStore(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
            if (history!.SawStartTlsOffered(key, out var run))
                return run is null ? "offered in an earlier run (store)" : $"offered in run {run} (store)";
        return null;
    }

    private string? OfferedInCapture(IReadOnlyList<string> keys)
    {
        lock (_offeredInCapture)
            foreach (var key in keys)
                if (_offeredInCapture.TryGetValue(key, out var session))
                    return session;
        return null;
    }
}

/// <summary>
/// The keys a server's history is filed under: its endpoint, and the host name of its greeting on
/// that port. The name joins the two legs of an intercepted session (the box on the path answers
/// on the server's own port with the server's banner) and a provider's MXs that share one; the port
/// keeps apart services of one host that differ by design (a submission port with STARTTLS beside a
/// port 25 without is no strip on 25).
/// </summary>
public static class ServerKeys
{
    /// <summary>The keys, made once per mail session and again only if its greeting's name arrived since: detection, history and the store each ask.</summary>
    public static IReadOnlyList<string> For(MailSession session)
    {
        if (session.ServerKeys is { } known && ReferenceEquals(known.Name, session.ServerName))
            return known.Keys;
        var keys = Make(session);
        session.ServerKeys = (session.ServerName, keys);
        return keys;
    }

    private static string[] Make(MailSession session)
    {
        var protocol = session.Protocol.ToWire();
        var byEndpoint = $"{protocol}|ep|{session.ServerText}";
        return session.ServerName is { Length: > 0 } name
            ? [byEndpoint, $"{protocol}|name|{name.ToLowerInvariant()}|{session.Server.Port}"]
            : [byEndpoint];
    }
}
