using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Text;

/// <summary>
/// The inflation of a mail session's two directions once compression is on (IMAP COMPRESS=DEFLATE,
/// RFC 4978): compressed is still cleartext. Both directions compress together; each has its
/// <see cref="StreamInflater"/>, or none once it was lost (its window cannot be rebuilt), when its
/// bytes are dropped. Nearly every session never compresses, and then nothing is made.
/// </summary>
public struct CompressedDirections
{
    private Inflations? _on;

    /// <summary>Made when compression starts: the two inflaters, the budget their reservations came from, and whether inflated bytes are being parsed.</summary>
    private sealed class Inflations(BufferBudget budget)
    {
        public StreamInflater? Client, Server;
        public bool Inflating;

        public BufferBudget Budget => budget;

        public ref StreamInflater? Of(Direction direction) => ref direction == Direction.ClientToServer ? ref Client : ref Server;
    }

    /// <summary>True once compression started (both directions).</summary>
    public readonly bool IsOn => _on is not null;

    /// <summary>True when arriving bytes are compressed and go to the inflater first; false while the inflated bytes are being parsed (<see cref="Inflating"/>).</summary>
    public readonly bool Intercepts => _on is { Inflating: false };

    /// <summary>Set while the bytes being parsed are already inflated.</summary>
    public readonly bool Inflating
    {
        get => _on is { Inflating: true };
        set => _on!.Inflating = value;
    }

    /// <summary>
    /// Both sides compress from here (RFC 4978 §3: the server right after its OK, the client once it
    /// has read it). Only DEFLATE is defined; another mechanism, or no budget for the inflaters,
    /// leaves both directions unreadable.
    /// </summary>
    public void Start(bool deflate, BufferBudget budget, IMailEventSink sink)
    {
        if (_on is not null)
            return;
        _on = new Inflations(budget);
        foreach (var direction in (ReadOnlySpan<Direction>)[Direction.ClientToServer, Direction.ServerToClient])
        {
            if (!deflate)
                sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, "not DEFLATE"));
            else if (!budget.TryReserve(StreamInflater.ReservedBytes))
                sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, "over the buffer budget"));
            else
                _on.Of(direction) = new StreamInflater();
        }
    }

    /// <summary>Hands compressed bytes to the direction's inflater: false when the direction is lost (the bytes are dropped).</summary>
    public readonly bool Add(Direction direction, ReadOnlySpan<byte> compressed)
    {
        if (_on?.Of(direction) is not { } inflater)
            return false;
        inflater.Add(compressed);
        return true;
    }

    /// <summary>The next inflated bytes (valid until the next call); false when there are none, or the stream turned out corrupt and is lost for good.</summary>
    public readonly bool TryNext(Direction direction, IMailEventSink sink, out ReadOnlySpan<byte> plain)
    {
        plain = default;
        if (_on?.Of(direction) is not { } inflater)
            return false;
        try
        {
            plain = inflater.Next();
        }
        catch (InvalidDataException)
        {
            Lose(direction, "corrupt DEFLATE data", sink);
            return false;
        }
        return !plain.IsEmpty;
    }

    /// <summary>Bytes were lost: the DEFLATE window went with them, so the direction is lost too.</summary>
    public readonly void Gap(Direction direction, IMailEventSink sink)
    {
        if (_on?.Of(direction) is not null)
            Lose(direction, "bytes lost", sink);
    }

    /// <summary>Lets both inflaters go and gives their reservations back.</summary>
    public readonly void End()
    {
        Release(Direction.ClientToServer);
        Release(Direction.ServerToClient);
    }

    private readonly void Lose(Direction direction, string why, IMailEventSink sink)
    {
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.CompressionLost, why));
        Release(direction);
    }

    private readonly void Release(Direction direction)
    {
        if (_on is null)
            return;
        ref var inflater = ref _on.Of(direction);
        if (inflater is null)
            return;
        inflater.Dispose();
        inflater = null;
        _on.Budget.Release(StreamInflater.ReservedBytes);
    }
}
