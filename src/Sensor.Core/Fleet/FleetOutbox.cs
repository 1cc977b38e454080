using LiteDB;

namespace Sensor.Core.Fleet;

/// <summary>One record waiting for the bus: its subject, its deduplication id and its JSON.</summary>
public sealed class OutboxMessage
{
    /// <summary>The order the records were made in (LiteDB's auto-id, which only grows while the outbox holds anything).</summary>
    public long Id { get; set; }
    public string Subject { get; set; } = "";

    /// <summary>Sent as Nats-Msg-Id: unique per record (a random run id and a counter), kept across restarts.</summary>
    public string MsgId { get; set; } = "";
    public byte[] Data { get; set; } = [];
}

/// <summary>
/// The records a sensor has made and the bus has not acknowledged yet, in a LiteDB file beside the
/// store, so they survive the bus going away and the sensor restarting. Oldest first; a record leaves
/// only once JetStream acknowledged it. Not thread-safe: one drainer owns it.
/// </summary>
public sealed class FleetOutbox : IDisposable
{
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<OutboxMessage> _messages;

    private FleetOutbox(LiteDatabase db)
    {
        _db = db;
        _messages = db.GetCollection<OutboxMessage>("outbox", BsonAutoId.Int64);
        Count = _messages.Count();
    }

    public int Count { get; private set; }

    /// <summary>The outbox of sensor <paramref name="sensor"/> in <paramref name="folder"/>; throws IOException or LiteException.</summary>
    public static FleetOutbox Open(string folder, string sensor)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"fleet-outbox-{sensor}.db");
        Storage.OwnerOnlyFiles.PrepareLiteDb(path);
        Storage.LiteDbTypes.Keep();
        return new FleetOutbox(new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }));
    }

    /// <summary>
    /// An outbox in memory, for a run whose outbox file cannot be written (a full disk): records still go
    /// to the bus in order, and what the bus has not taken when the run ends is lost, and counted.
    /// </summary>
    public static FleetOutbox InMemory()
    {
        Storage.LiteDbTypes.Keep();
        return new FleetOutbox(new LiteDatabase(new MemoryStream()));
    }

    /// <summary>Appends in one transaction, in the order given.</summary>
    public void Append(IReadOnlyCollection<OutboxMessage> messages)
    {
        if (messages.Count == 0)
            return;
        _messages.InsertBulk(messages);
        Count += messages.Count;
    }

    public List<OutboxMessage> Oldest(int limit) => [.. _messages.Query().OrderBy(m => m.Id).Limit(limit).ToEnumerable()];

    /// <summary>Removes every message up to and including <paramref name="id"/> (they were acknowledged in order).</summary>
    public void RemoveThrough(long id) => Count -= _messages.DeleteMany(m => m.Id <= id);

    public void Dispose() => _db.Dispose();
}
