namespace Sensor.Core.Fleet;

/// <summary>
/// One record waiting for the bus: its subject, its deduplication id (sent as Nats-Msg-Id) and its JSON.
/// The id is the record's own stable id with the sensor and record type in front, so the same record made
/// again (a capture replayed after a crash) is the same message to JetStream's duplicate window.
/// </summary>
public sealed record OutboxMessage(string Subject, string MsgId, ReadOnlyMemory<byte> Data);

/// <summary>
/// Where a record ends in the outbox journal: the segment's number and the byte offset after its frame.
/// Records kept in memory (the disk refused them) are in <see cref="InMemory"/>, the offset counting records.
/// </summary>
public readonly record struct JournalPosition(long Segment, long Offset)
{
    public const long InMemory = long.MaxValue;
}
