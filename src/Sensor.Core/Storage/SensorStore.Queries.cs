using System.Net;
using LiteDB;
using Sensor.Core.Detection;
using Sensor.Core.Output;

namespace Sensor.Core.Storage;

/// <summary>
/// The query side of the store: findings, sessions, servers and runs by <see cref="RecordFilter"/>,
/// newest first, over indexes on every field a filter reads (docs/store.md has the figures).
/// </summary>
public sealed partial class SensorStore
{
    private const string ServerNameLower = "LOWER($.server_name)";
    private const string FindingUser = "$.evidence.user";
    private const string SessionUsers = "$.auth[*].user";

    /// <summary>
    /// Kind and time in one key ("starttls-stripped|2026-12-01T00:00:00.000000Z"): a kind's findings of a
    /// time range are one range of this index, read newest first and no further than the limit. Kinds are
    /// mostly common (a busy span port makes thousands of each), so the kind alone or the time alone
    /// would read every finding of the kind or of the range to find the newest hundred.
    /// </summary>
    private static readonly BsonExpression KindTime = BsonExpression.Create("$.kind + '|' + $.ts");

    /// <summary>Run and time in one key, for the same reason: a run's newest records without reading all of them (a replay makes hundreds of thousands).</summary>
    private static readonly BsonExpression RunTime = BsonExpression.Create("$.run + '|' + $.ts");

    /// <summary>
    /// The indexes the filters use. LiteDB takes the most selective one a query names and filters the
    /// rest, so each field gets its own; a store made before them gains them when next opened to write.
    /// </summary>
    private void EnsureQueryIndexes()
    {
        // No index on severity or variant: half of all findings are high, so they only filter.
        _findings.EnsureIndex("ts", "$.ts");
        _findings.EnsureIndex("kind_ts", KindTime);
        _findings.EnsureIndex("server", "$.server");
        _findings.EnsureIndex("server_name_lower", ServerNameLower);
        _findings.EnsureIndex("user", FindingUser);
        _findings.EnsureIndex("run_ts", RunTime);
        _sessions.EnsureIndex("ts", "$.ts");
        _sessions.EnsureIndex("server", "$.server");
        _sessions.EnsureIndex("server_name_lower", ServerNameLower);
        _sessions.EnsureIndex("user", SessionUsers);
        _sessions.EnsureIndex("run_ts", RunTime);
    }

    /// <summary>Findings, the newest first: one query a kind asked for (each over the kind-and-time index), merged.</summary>
    public IEnumerable<FindingRecord> FindFindings(RecordFilter filter)
    {
        Func<FindingRecord, bool>? exact = filter.User is not { } user ? null : f => f.User() == user;
        if (filter.Kinds.Count == 0)
            return Newest(FindingsQuery(filter, null), TimeKey(null, filter.Run).Key, filter.Limit, exact);
        var merged = filter.Kinds.Distinct(StringComparer.OrdinalIgnoreCase)
            .SelectMany(kind => Newest(FindingsQuery(filter, kind), KindTime.Source, filter.Limit, exact))
            .OrderByDescending(f => f.Ts, StringComparer.Ordinal);
        return filter.Limit is { } limit ? merged.Take(limit) : merged;
    }

    private ILiteQueryable<FindingRecord> FindingsQuery(RecordFilter filter, string? kind)
    {
        var query = Where(_findings.Query(), FlowConditions(filter, FindingUser + " = @0", TimeKey(kind, filter.Run)));
        if (filter.Variants.Count > 0)
            query = query.Where(In("$.variant", filter.Variants));
        if (filter.MinSeverity is { } minimum)
            query = query.Where(In("$.severity", Enum.GetValues<Severity>().Where(s => s >= minimum).Select(s => s.ToWire()).ToList()));
        return query;
    }

    public IEnumerable<SessionRecord> FindSessions(RecordFilter filter) =>
        Newest(Where(_sessions.Query(), FlowConditions(filter, SessionUsers + " ANY = @0", TimeKey(null, filter.Run))), TimeKey(null, filter.Run).Key, filter.Limit,
            filter.User is not { } user ? null : s => s.Auth.Any(a => a.User == user));

    /// <summary>Server history, the most recently seen first: by endpoint, address or name (as <see cref="RecordFilter.Server"/>), time last seen, and the run that saw the offer.</summary>
    public IEnumerable<ServerHistoryRecord> FindServers(RecordFilter filter)
    {
        var servers = _servers.FindAll()
            .Where(s => filter.From is not { } from || s.LastSeen.ToUniversalTime() >= from)
            .Where(s => filter.To is not { } to || s.LastSeen.ToUniversalTime() <= to)
            .Where(s => filter.Run is null || s.OfferedRun == filter.Run)
            .Where(s => filter.Server is null || ServerMatches(s.Id, filter.Server))
            .OrderByDescending(s => s.LastSeen);
        return filter.Limit is { } limit ? servers.Take(limit) : servers;
    }

    /// <summary>Runs, the newest first; the time filter reads their start.</summary>
    public IEnumerable<RunRecord> FindRuns(RecordFilter filter)
    {
        var query = _runs.Query();
        if (filter.Run is not null)
            query = query.Where(BsonExpression.Create("$._id = @0", filter.Run));
        if (filter.From is { } from)
            query = query.Where(BsonExpression.Create("$.start >= @0", Rfc3339.Format(from)));
        if (filter.To is { } to)
            query = query.Where(BsonExpression.Create("$.start <= @0", Rfc3339.Format(to)));
        var ordered = query.OrderByDescending("$.start");
        return filter.Limit is { } limit ? ordered.Limit(limit).ToEnumerable() : ordered.ToEnumerable();
    }

    public RunRecord? Run(string id) => _runs.FindById(id);

    /// <summary>How many sessions and findings name the run (over the run indexes).</summary>
    public (int Sessions, int Findings) CountOfRun(string id) => (CountOfRun(_sessions, id), CountOfRun(_findings, id));

    private static int CountOfRun<T>(ILiteCollection<T> records, string id) =>
        records.Count(BsonExpression.Create($"{RunTime.Source} BETWEEN @0 AND @1", id + "|", id + "|~"));

    /// <summary>
    /// The filters sessions and findings share; <paramref name="userCondition"/> reads the user where the
    /// record keeps it. The time range is one BETWEEN over <paramref name="time"/>'s index, always, so
    /// LiteDB reads that index in order when nothing more selective is asked for.
    /// </summary>
    private static IEnumerable<BsonExpression> FlowConditions(RecordFilter filter, string userCondition, (string Key, string Prefix) time)
    {
        var (timeKey, prefix) = time;
        // RFC 3339 at one fixed precision sorts as time does; "~" sorts after every digit.
        var from = prefix + (filter.From is { } f ? Rfc3339.Format(f) : "");
        var to = prefix + (filter.To is { } t ? Rfc3339.Format(t) : "~");
        yield return BsonExpression.Create($"{timeKey} BETWEEN @0 AND @1", from, to);
        if (filter.Run is not null) // implied by a run-and-time range; with a kind's range, a filter (there is no index on the run alone)
            yield return BsonExpression.Create("$.run = @0", filter.Run);
        if (filter.User is not null)
            yield return BsonExpression.Create(userCondition, filter.User);
        if (filter.Server is not null)
            yield return ServerCondition(filter.Server);
    }

    /// <summary>The index a time range is read from: a kind's, else a run's, else the time's; and the key's part before the time.</summary>
    private static (string Key, string Prefix) TimeKey(string? kind, string? run) =>
        kind is not null ? (KindTime.Source, kind + "|") : run is not null ? (RunTime.Source, run + "|") : ("$.ts", "");

    /// <summary>An endpoint is matched whole; an address by the endpoint's prefix (the index answers a LIKE 'prefix%'); else the greeting's host name.</summary>
    private static BsonExpression ServerCondition(string server)
    {
        if (IPEndPoint.TryParse(server, out var endpoint) && endpoint.Port != 0)
            return BsonExpression.Create("$.server = @0", endpoint.ToString());
        if (IPAddress.TryParse(server, out var address))
            return BsonExpression.Create("$.server LIKE @0", EndpointPrefix(address) + "%");
        return BsonExpression.Create(ServerNameLower + " = @0", server.ToLowerInvariant());
    }

    /// <summary>How an endpoint's text starts for this address: "192.0.2.1:", "[2001:db8::1]:" (as the records write endpoints).</summary>
    private static string EndpointPrefix(IPAddress address) => new IPEndPoint(address, 0).ToString()[..^1];

    /// <summary>Server history keys are "protocol|ep|ENDPOINT" and "protocol|name|HOST|PORT" (ServerKeys).</summary>
    private static bool ServerMatches(string key, string server)
    {
        var parts = key.Split('|');
        if (parts.Length < 3)
            return false;
        if (parts[1] == "ep")
        {
            if (IPEndPoint.TryParse(server, out var endpoint) && endpoint.Port != 0)
                return parts[2] == endpoint.ToString();
            return IPAddress.TryParse(server, out var address) && parts[2].StartsWith(EndpointPrefix(address), StringComparison.Ordinal);
        }
        return string.Equals(parts[2], server, StringComparison.OrdinalIgnoreCase);
    }

    private static BsonExpression In(string field, IReadOnlyCollection<string> values) =>
        BsonExpression.Create($"{field} IN @0", new BsonArray(values.Select(v => new BsonValue(v))));

    private static ILiteQueryable<T> Where<T>(ILiteQueryable<T> query, IEnumerable<BsonExpression> conditions)
    {
        foreach (var condition in conditions)
            query = query.Where(condition);
        return query;
    }

    /// <summary>
    /// The newest first, at most <paramref name="limit"/>. LiteDB compares text ignoring case (its
    /// default collation), which suits kinds and host names but not user names: <paramref name="exact"/>
    /// then keeps only the exact ones, before the limit is applied.
    /// </summary>
    private static IEnumerable<T> Newest<T>(ILiteQueryable<T> query, string order, int? limit, Func<T, bool>? exact)
    {
        var ordered = query.OrderByDescending(order);
        if (exact is not null)
        {
            var kept = ordered.ToEnumerable().Where(exact);
            return limit is { } most ? kept.Take(most) : kept;
        }
        return limit is { } n ? ordered.Limit(n).ToEnumerable() : ordered.ToEnumerable();
    }
}
