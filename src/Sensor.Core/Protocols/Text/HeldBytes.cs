namespace Sensor.Core.Protocols.Text;

/// <summary>
/// Bytes held aside and counted: what crossed between STARTTLS and the handshake. Keeps at most
/// <see cref="Cap"/> bytes (for a preview and for replay when the upgrade is refused); counts them all.
/// Only sessions that send STARTTLS hold anything, so the buffer is allocated on first use, small,
/// and grows up to the cap: a session that never upgrades pays nothing for it. The buffer is reserved
/// from the <see cref="BufferBudget"/> and given back at <see cref="Clear"/>; what the budget refuses is
/// counted but not kept, as past the cap (<see cref="Truncated"/>).
/// </summary>
public sealed class HeldBytes
{
    public const int DefaultCap = 4096;
    private const int PreviewBytes = 64;
    private const int InitialBytes = 256;

    private readonly BufferBudget _budget;
    private byte[] _kept = [];
    private int _keptLength;

    public HeldBytes(int cap = DefaultCap, BufferBudget? budget = null)
    {
        Cap = cap;
        _budget = budget ?? BufferBudget.Unlimited;
    }

    public int Cap { get; }

    /// <summary>Every byte added since the last <see cref="Clear"/>, kept or not.</summary>
    public long Count { get; private set; }

    public bool Truncated => Count > _keptLength;

    public ReadOnlySpan<byte> Kept => _kept.AsSpan(0, _keptLength);

    public void Add(ReadOnlySpan<byte> data)
    {
        Count += data.Length;
        int room = Math.Min(Cap - _keptLength, data.Length);
        if (_kept.Length < _keptLength + room)
            Grow(Math.Min(Cap, Math.Max(InitialBytes, (_keptLength + room) * 2)));
        room = Math.Min(room, _kept.Length - _keptLength);
        data[..room].CopyTo(_kept.AsSpan(_keptLength));
        _keptLength += room;
    }

    /// <summary>The first bytes, escaped for a log line.</summary>
    public string Preview() => WireText.Escape(Kept[..Math.Min(_keptLength, PreviewBytes)]);

    /// <summary>Forgets what was held and gives the buffer back (a session holds bytes around one STARTTLS at most).</summary>
    public void Clear()
    {
        Count = 0;
        _keptLength = 0;
        _budget.Release(_kept.Length);
        _kept = [];
    }

    private void Grow(int size)
    {
        if (_budget.TryReserve(size - _kept.Length))
            Array.Resize(ref _kept, size);
    }
}
