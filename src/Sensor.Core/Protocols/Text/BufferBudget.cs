namespace Sensor.Core.Protocols.Text;

/// <summary>
/// One cap on what the parsers' growable buffers hold beyond their small free size (a long line, a
/// TLS handshake, a LOGIN literal), shared by every session and thread of a live sensor. A parser
/// reserves before it grows and releases when the buffer shrinks or its session ends; a refused
/// reservation takes the parser's overflow path (an anomaly), so a flood of sessions each holding a
/// partial line cannot pass the memory budget. Replay uses <see cref="Unlimited"/>.
/// </summary>
public sealed class BufferBudget
{
    /// <summary>No cap: replay, tests, anything not bound to a memory budget.</summary>
    public static readonly BufferBudget Unlimited = new(long.MaxValue);

    private long _reserved;

    public BufferBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        LimitBytes = limitBytes;
    }

    public long LimitBytes { get; }

    /// <summary>Bytes reserved now, by every holder together.</summary>
    public long ReservedBytes => Interlocked.Read(ref _reserved);

    /// <summary>Reserves <paramref name="bytes"/> if they fit under the limit; false (and nothing reserved) if not.</summary>
    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _reserved, bytes) <= LimitBytes)
            return true;
        Interlocked.Add(ref _reserved, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _reserved, -bytes);
}
