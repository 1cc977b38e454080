namespace Sensor.Core.Protocols.Tls;

/// <summary>
/// A bounds-checked reader over one handshake message (RFC 8446 §3 presentation language:
/// big-endian integers, vectors with 1-, 2- or 3-byte length prefixes). Every read returns false
/// instead of throwing when the message is too short.
/// </summary>
internal ref struct TlsReader
{
    private ReadOnlySpan<byte> _rest;

    public TlsReader(ReadOnlySpan<byte> data) => _rest = data;

    public readonly bool IsEmpty => _rest.IsEmpty;

    public bool TryU8(out byte value)
    {
        value = 0;
        if (_rest.Length < 1)
            return false;
        value = _rest[0];
        _rest = _rest[1..];
        return true;
    }

    public bool TryU16(out ushort value)
    {
        value = 0;
        if (_rest.Length < 2)
            return false;
        value = (ushort)(_rest[0] << 8 | _rest[1]);
        _rest = _rest[2..];
        return true;
    }

    public bool TryBytes(int length, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (length < 0 || _rest.Length < length)
            return false;
        bytes = _rest[..length];
        _rest = _rest[length..];
        return true;
    }

    /// <summary>A vector with a length prefix of <paramref name="prefixBytes"/> (1, 2 or 3) bytes.</summary>
    public bool TryVector(int prefixBytes, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (_rest.Length < prefixBytes)
            return false;
        int length = 0;
        for (int i = 0; i < prefixBytes; i++)
            length = length << 8 | _rest[i];
        _rest = _rest[prefixBytes..];
        return TryBytes(length, out bytes);
    }
}
