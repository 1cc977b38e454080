using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Text;

/// <summary>
/// The inflation of a mail session's two directions once compression is on (IMAP COMPRESS=DEFLATE,
/// RFC 4978): compressed is still cleartext. A direction is either not compressed (nearly always:
/// nothing is made), compressed with its <see cref="StreamInflater"/>, or compressed and lost (its
/// window cannot be rebuilt), when its bytes are dropped.
/// </summary>
public struct CompressedDirections
{
    private Inflation? _client, _server;

    /// <summary>A compressed direction: its inflater, or null once it was lost; the budget its reservation came from.</summary>
    private sealed class Inflation(BufferBudget budget)
    {
        public StreamInflater? Inflater { get; set; }

        public BufferBudget Budget => budget;
    }

    public readonly bool IsCompressed(Direction direction) => Of(direction) is not null;

    /// <summary>
    /// Both sides compress from here (RFC 4978 §3: the server right after its OK, the client once it
    /// has read it). Only DEFLATE is defined; another mechanism, or no budget for the inflaters,
    /// leaves both directions unreadable.
    /// </summary>
    public void Start(bool deflate, BufferBudget budget, IMailEventSink sink)
    {
        foreach (var direction in (ReadOnlySpan<Direction>)[Direction.ClientToServer, Direction.ServerToClient])
        {
            if (IsCompressed(direction))
                continue;
            var inflation = new Inflation(budget);
            if (direction == Direction.ClientToServer)
                _client = inflation;
            else
                _server = inflation;
            if (!deflate)
                sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, "not DEFLATE"));
            else if (!budget.TryReserve(StreamInflater.ReservedBytes))
                sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, "over the buffer budget"));
            else
                inflation.Inflater = new StreamInflater();
        }
    }

    /// <summary>Hands compressed bytes to the direction's inflater: false when the direction is lost (the bytes are dropped).</summary>
    public readonly bool Add(Direction direction, ReadOnlySpan<byte> compressed)
    {
        if (Of(direction)?.Inflater is not { } inflater)
            return false;
        inflater.Add(compressed);
        return true;
    }

    /// <summary>The next inflated bytes (valid until the next call); false when there are none, or the stream turned out corrupt and is lost for good.</summary>
    public readonly bool TryNext(Direction direction, IMailEventSink sink, out ReadOnlySpan<byte> plain)
    {
        plain = default;
        if (Of(direction) is not { Inflater: { } inflater } inflation)
            return false;
        try
        {
            plain = inflater.Next();
        }
        catch (InvalidDataException)
        {
            Lose(inflation, direction, "corrupt DEFLATE data", sink);
            return false;
        }
        return !plain.IsEmpty;
    }

    /// <summary>Bytes were lost: the DEFLATE window went with them, so the direction is lost too.</summary>
    public readonly void Gap(Direction direction, IMailEventSink sink)
    {
        if (Of(direction) is { Inflater: not null } inflation)
            Lose(inflation, direction, "bytes lost", sink);
    }

    /// <summary>Lets both inflaters go and gives their reservations back.</summary>
    public readonly void End()
    {
        if (_client is not null)
            Release(_client);
        if (_server is not null)
            Release(_server);
    }

    private static void Lose(Inflation inflation, Direction direction, string why, IMailEventSink sink)
    {
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, why));
        Release(inflation);
    }

    private static void Release(Inflation inflation)
    {
        if (inflation.Inflater is null)
            return;
        inflation.Inflater.Dispose();
        inflation.Inflater = null;
        inflation.Budget.Release(StreamInflater.ReservedBytes);
    }

    private readonly Inflation? Of(Direction direction) => direction == Direction.ClientToServer ? _client : _server;
}
