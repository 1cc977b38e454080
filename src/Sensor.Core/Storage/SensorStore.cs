using LiteDB;
using Sensor.Core.CrossCheck;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Sessions;

namespace Sensor.Core.Storage;

/// <summary>
/// The embedded LiteDB store: runs, sessions, findings (as redacted records), per-server history, probe
/// results (own and imported) and cross-check verdicts (docs/store.md).
/// Writes are batched; <see cref="Flush"/> (and Dispose) commit what is pending, so a run that
/// stops early keeps everything up to its last flush. Queries and retention are in the other parts of this class.
/// </summary>
public sealed partial class SensorStore : IServerHistory, IProbeHistory, IDisposable
{
    /// <summary>
    /// Records written per transaction. Measured on a 1 GiB replay (bench/README.md): 2000 peaked
    /// at 238 MB, 500 spent a third of the run in commits; 1000 keeps the peak under 200 MB.
    /// </summary>
    public const int BatchSize = 1000;

    /// <summary>LiteDB's default lets 1000 pages of log build up before a checkpoint; 200 keeps the log (and its cache) small.</summary>
    public const int CheckpointPages = 200;

    private readonly LiteDatabase _db;
    private readonly string _path;
    private bool _broken;
    private readonly ILiteCollection<SessionRecord> _sessions;
    private readonly ILiteCollection<FindingRecord> _findings;
    private readonly ILiteCollection<ServerHistoryRecord> _servers;
    private readonly ILiteCollection<ProbeRecord> _probes;
    private readonly ILiteCollection<VerdictRecord> _verdicts;
    private readonly ILiteCollection<BsonDocument> _evidence;
    private readonly ILiteCollection<RunRecord> _runs;

    // Flush (the writing thread) and Prune (a live sensor's retention timer) each run one transaction at a time.
    private readonly Lock _writeGate = new();
    private readonly List<SessionRecord> _pendingSessions = [];
    private readonly List<FindingRecord> _pendingFindings = [];
    private readonly Dictionary<string, ServerHistoryRecord> _pendingServers = [];
    private readonly Dictionary<string, ServerHistoryRecord?> _knownServers = [];
    private readonly List<VerdictRecord> _pendingVerdicts = [];
    private readonly List<BsonDocument> _pendingEvidence = [];

    private SensorStore(LiteDatabase db, string path, bool writable)
    {
        _db = db;
        _path = path;
        _sessions = db.GetCollection<SessionRecord>("sessions");
        _findings = db.GetCollection<FindingRecord>("findings");
        _servers = db.GetCollection<ServerHistoryRecord>("servers");
        _probes = db.GetCollection<ProbeRecord>("probes");
        _verdicts = db.GetCollection<VerdictRecord>("verdicts");
        _evidence = db.GetCollection("evidence");
        _runs = db.GetCollection<RunRecord>("runs");
        if (!writable)
            return; // a reader uses the indexes its writers made
        _probes.EnsureIndex(p => p.Server);
        _probes.EnsureIndex(ProbeNameIndex, ProbeNameExpression);
        EnsureQueryIndexes();
    }

    /// <summary>The run the records written now belong to (<see cref="StartRun"/>); null before one starts.</summary>
    public string? RunId { get; private set; }

    /// <summary>Stores the run record at once (committed before any session), so a run that is killed is named too.</summary>
    public void StartRun(RunRecord run)
    {
        lock (_writeGate)
            _runs.Upsert(run);
        RunId = run.Id;
    }

    /// <summary>Commits what is pending, then the run with its end (now) and what else it learnt of itself, e.g. its files' SHA-256.</summary>
    public void FinishRun(RunRecord run)
    {
        Flush();
        run.End = Rfc3339.Format(DateTime.UtcNow);
        lock (_writeGate)
            _runs.Upsert(run);
    }

    /// <summary>Opens (creating) the store; throws <see cref="StoreException"/> with one clear line when it cannot.</summary>
    public static SensorStore Open(string path)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            OwnerOnlyFiles.PrepareLiteDb(path);
            var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, Mapper()) { CheckpointSize = CheckpointPages };
            return new SensorStore(db, path, writable: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteException)
        {
            throw new StoreException($"cannot open the database '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Opens an existing store to read it (the query verbs): nothing is written, not even an index, so
    /// it can be read beside a live sensor writing it. Throws <see cref="StoreException"/> when it cannot.
    /// </summary>
    public static SensorStore OpenReadOnly(string path)
    {
        if (!File.Exists(path))
            throw new StoreException($"no store at '{path}' (a replay or a live capture makes it; --db names another)", new FileNotFoundException(path));
        try
        {
            var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, ReadOnly = true }, Mapper());
            return new SensorStore(db, path, writable: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteException)
        {
            throw new StoreException($"cannot open the database '{path}': {e.Message}", e);
        }
    }

    private static BsonMapper Mapper()
    {
        LiteDbTypes.Keep();
        return new BsonMapper { ResolveFieldName = name => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name) };
    }

    public static string DefaultPath()
    {
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(data))
            data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "sensor", "sensor.db");
    }

    public bool SawStartTlsOffered(string serverKey, out string? run)
    {
        var record = ServerRecord(serverKey);
        run = record?.OfferedRun;
        return record?.StarttlsOffered ?? false;
    }

    /// <summary>
    /// Server history is read once per server and then kept (up to <see cref="MaxCachedServers"/>):
    /// a capture's sessions go to few servers, and a store lookup per session cost more than the
    /// rest of the replay together.
    /// </summary>
    public const int MaxCachedServers = 100_000;

    private ServerHistoryRecord? ServerRecord(string key)
    {
        if (_knownServers.TryGetValue(key, out var known))
            return known;
        var stored = _servers.FindById(key);
        if (_knownServers.Count >= MaxCachedServers)
            ForgetCleanServers();
        _knownServers[key] = stored;
        return stored;
    }

    private void ForgetCleanServers()
    {
        foreach (var key in _knownServers.Keys.Where(k => !_pendingServers.ContainsKey(k)).ToList())
            _knownServers.Remove(key);
    }

    /// <summary>A finished mail session: its server's history, and its record when one is given (--store-sessions).</summary>
    public void Add(MailSession session, SessionRecord? record)
    {
        if (record is not null)
            _pendingSessions.Add(record);
        foreach (var key in ServerKeys.For(session))
            Remember(key, session);
        if (_pendingSessions.Count + _pendingServers.Count >= BatchSize)
            Flush();
    }

    public void Add(FindingRecord record)
    {
        _pendingFindings.Add(record);
        if (_pendingFindings.Count >= BatchSize)
            Flush();
    }

    /// <summary>
    /// Commits what is pending in one transaction. A write that fails (a full disk) rolls the
    /// transaction back, so its lock does not hold every later write for LiteDB's minute of lock
    /// timeout, and ends the store for this run: a <see cref="StoreException"/> naming the file.
    /// </summary>
    public void Flush()
    {
        if (_broken || _pendingSessions.Count + _pendingFindings.Count + _pendingServers.Count + _pendingVerdicts.Count + _pendingEvidence.Count == 0)
            return;
        lock (_writeGate)
            Commit();
        Committed?.Invoke(new StoreCommit(_pendingSessions.Count, _pendingFindings.Count, _pendingSessions.Count > 0 ? _pendingSessions[^1].Id : null));
        _pendingSessions.Clear();
        _pendingFindings.Clear();
        _pendingServers.Clear();
        _pendingVerdicts.Clear();
        _pendingEvidence.Clear();
        if (_knownServers.Count >= MaxCachedServers || _historyPruned)
        {
            _historyPruned = false;
            _knownServers.Clear();
        }
    }

    /// <summary>Called after each commit with what it wrote: what a caller may report as safely stored.</summary>
    public event Action<StoreCommit>? Committed;

    private void Commit()
    {
        _db.BeginTrans();
        try
        {
            _sessions.Upsert(_pendingSessions);
            _findings.Upsert(_pendingFindings);
            _servers.Upsert(_pendingServers.Values);
            _verdicts.Upsert(_pendingVerdicts);
            _evidence.Upsert(_pendingEvidence);
            _db.Commit();
        }
        catch (Exception e) when (e is IOException or LiteException)
        {
            _broken = true;
            RollBack();
            throw new StoreException($"cannot write the store {_path}: {WriteError(e)}", e);
        }
    }

    /// <summary>A cross-check verdict; the same server and sessions replayed again replace the earlier one.</summary>
    public void Add(VerdictRecord record)
    {
        _pendingVerdicts.Add(record);
        if (_pendingVerdicts.Count >= BatchSize)
            Flush();
    }

    public IEnumerable<VerdictRecord> Verdicts() => _verdicts.FindAll();

    /// <summary>A finding's evidence pcap, keyed by the finding.</summary>
    public void Add(EvidenceRecord record)
    {
        var document = _db.Mapper.ToDocument(record);
        document["_id"] = record.Finding;
        _pendingEvidence.Add(document);
        if (_pendingEvidence.Count >= BatchSize)
            Flush();
    }

    public IEnumerable<EvidenceRecord> Evidence() => _evidence.FindAll().Select(d => _db.Mapper.ToObject<EvidenceRecord>(d));

    /// <summary>Stores probe results (with their vantage and time) in one transaction.</summary>
    public void AddProbes(IEnumerable<ProbeRecord> records)
    {
        _db.BeginTrans();
        _probes.Insert(records);
        _db.Commit();
    }

    public IEnumerable<ProbeRecord> Probes() => _probes.FindAll();

    /// <summary>
    /// Stores probe records another vantage point wrote, in one transaction, skipping those already
    /// stored (same vantage, server and time) and repeats within the batch. Returns how many were added.
    /// </summary>
    public int ImportProbes(IReadOnlyList<ProbeRecord> records)
    {
        var seen = new HashSet<(string, string?, string)>();
        var added = new List<ProbeRecord>();
        foreach (var record in records)
        {
            var (vantage, server, ts) = (record.Vantage, record.Server, record.Ts);
            if (seen.Add((vantage, server, ts)) && !_probes.Exists(p => p.Vantage == vantage && p.Server == server && p.Ts == ts))
                added.Add(record);
        }
        _db.BeginTrans();
        _probes.Insert(added);
        _db.Commit();
        return added.Count;
    }

    /// <summary>Probe records of this endpoint, or of this host name over this protocol (not implicit TLS: a different service).</summary>
    public IEnumerable<ProbeRecord> ProbesFor(string protocol, string server, string? serverName)
    {
        var byEndpoint = _probes.Find(p => p.Server == server).ToList();
        if (serverName is not { Length: > 0 })
            return byEndpoint;
        // The same host name on the same port (as ServerKeys files history): a probe of its port 587 says nothing of its port 25.
        var port = PortOf(server);
        var byName = _probes.Find(Query.EQ(ProbeNameExpression, serverName.ToLowerInvariant()))
            .Where(p => p.Protocol == protocol && !p.ImplicitTls && p.Server != server && PortOf(p.Server) == port);
        return [.. byEndpoint, .. byName];
    }

    private static int? PortOf(string? endpoint) => System.Net.IPEndPoint.TryParse(endpoint ?? "", out var parsed) ? parsed.Port : null;

    private const string ProbeNameIndex = "server_name_lower";
    private const string ProbeNameExpression = "LOWER($.server_name)";

    public IEnumerable<FindingRecord> Findings() => _findings.FindAll();
    public IEnumerable<SessionRecord> Sessions() => _sessions.FindAll();
    public ServerHistoryRecord? Server(string key) => _servers.FindById(key);

    private void Remember(string key, MailSession session)
    {
        if (!_pendingServers.TryGetValue(key, out var record))
        {
            record = ServerRecord(key) ?? new ServerHistoryRecord { Id = key, FirstSeen = Utc(session.StartTicks) };
            _knownServers[key] = record;
            _pendingServers[key] = record;
        }
        record.Sessions++;
        record.LastSeen = Utc(session.EndTicks);
        record.LastCertSha256 = session.Certificate?.Sha256 ?? record.LastCertSha256;
        if (session.StartTlsOffered)
        {
            record.StarttlsOffered = true;
            record.LastOffered = Utc(session.StartTicks);
            record.OfferedRun = RunId;
        }
    }

    private static DateTime Utc(long ticks) => new(ticks, DateTimeKind.Utc);

    private void RollBack()
    {
        try
        {
            _db.Rollback();
        }
        catch (Exception e) when (e is IOException or LiteException)
        {
            // nothing of the failed transaction was committed: the file keeps its last commit
        }
    }

    /// <summary>What the operating system said (LiteDB wraps it at times), in words a user knows.</summary>
    private static string WriteError(Exception e)
    {
        var cause = e.InnerException as IOException ?? e;
        return cause.HResult == 28 || cause.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
            ? "no space left on the device"
            : cause.Message;
    }

    public void Dispose()
    {
        try
        {
            Flush();
        }
        finally
        {
            try
            {
                _db.Dispose();
            }
            catch (Exception e) when (_broken && e is IOException or LiteException)
            {
                // the store already failed and said so: closing it cannot write either
            }
        }
    }
}

public sealed class StoreException(string message, Exception inner) : Exception(message, inner);

/// <summary>What one commit wrote: sessions and findings, and the id of its last mail session (null when it wrote none).</summary>
public readonly record struct StoreCommit(int Sessions, int Findings, string? LastSession);
