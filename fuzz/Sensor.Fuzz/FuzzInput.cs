namespace Sensor.Fuzz;

/// <summary>
/// Reads a fuzz input front to back: choice bytes (protocol, chunk sizes, directions) and data.
/// Past the end every choice reads as zero, so any input, even an empty one, is a valid run.
/// </summary>
internal ref struct FuzzInput(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public readonly bool IsEmpty => _rest.IsEmpty;

    public readonly ReadOnlySpan<byte> Rest => _rest;

    public byte Byte()
    {
        if (_rest.IsEmpty)
            return 0;
        var b = _rest[0];
        _rest = _rest[1..];
        return b;
    }

    public ushort UInt16() => (ushort)(Byte() << 8 | Byte());

    /// <summary>Up to <paramref name="count"/> bytes (fewer at the end of the input).</summary>
    public ReadOnlySpan<byte> Take(int count)
    {
        var taken = _rest[..Math.Min(count, _rest.Length)];
        _rest = _rest[taken.Length..];
        return taken;
    }
}

/// <summary>A property the fuzzer checks was broken (a parser fault, a budget not given back). Escapes to the fuzzer as a crash.</summary>
internal sealed class FuzzFinding(string message) : Exception(message);
