using LiteDB;
using Sensor.Core.Output;

namespace Sensor.Core.Storage;

/// <summary>
/// Retention and size: records older than a cutoff go (by their own <c>ts</c>, as the query filters
/// read time), and what each collection holds. LiteDB reuses the pages a prune frees; the file does
/// not shrink (docs/store.md).
/// </summary>
public sealed partial class SensorStore
{
    private volatile bool _historyPruned;

    /// <summary>The collections in the order <see cref="Stats"/> names them.</summary>
    public static readonly IReadOnlyList<string> Collections = ["runs", "sessions", "findings", "servers", "probes", "verdicts", "evidence"];

    /// <summary>
    /// Deletes what is older than <paramref name="cutoff"/>, each collection in its own transaction:
    /// sessions, findings, evidence, verdicts and probes by their time; server history by when the
    /// server was last seen; a run once it started before the cutoff and none of its sessions or
    /// findings is left (the run of this process stays). Returns how many records went, per collection.
    /// </summary>
    public IReadOnlyDictionary<string, int> Prune(DateTime cutoff)
    {
        var before = Rfc3339.Format(cutoff);
        var older = BsonExpression.Create("$.ts < @0", before);
        var deleted = new Dictionary<string, int>();
        lock (_writeGate)
        {
            deleted["sessions"] = _sessions.DeleteMany(older);
            deleted["findings"] = _findings.DeleteMany(older);
            deleted["evidence"] = _evidence.DeleteMany(older);
            deleted["verdicts"] = _verdicts.DeleteMany(older);
            deleted["probes"] = _probes.DeleteMany(older);
            deleted["servers"] = _servers.DeleteMany(BsonExpression.Create("$.last_seen < @0", new BsonValue(cutoff)));
            var runs = _runs.Find(BsonExpression.Create("$.start < @0", before)).Select(r => r.Id)
                .Where(id => id != RunId && CountOfRun(id) == (0, 0))
                .ToList();
            deleted["runs"] = runs.Sum(id => _runs.Delete(id) ? 1 : 0);
        }
        _historyPruned = true; // the writing thread forgets its cached history at its next commit
        return deleted;
    }

    /// <summary>Records per collection (in <see cref="Collections"/> order), and the data and log files' sizes in bytes.</summary>
    public StoreStats Stats()
    {
        var counts = new Dictionary<string, int>
        {
            ["runs"] = _runs.Count(),
            ["sessions"] = _sessions.Count(),
            ["findings"] = _findings.Count(),
            ["servers"] = _servers.Count(),
            ["probes"] = _probes.Count(),
            ["verdicts"] = _verdicts.Count(),
            ["evidence"] = _evidence.Count(),
        };
        var log = OwnerOnlyFiles.LogFileOf(_path);
        return new StoreStats(_path, counts, new FileInfo(_path).Length, File.Exists(log) ? new FileInfo(log).Length : 0);
    }
}

/// <summary>What <see cref="SensorStore.Stats"/> found.</summary>
public sealed record StoreStats(string Path, IReadOnlyDictionary<string, int> Records, long DataBytes, long LogBytes);
