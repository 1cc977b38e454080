using System.IO.Compression;

namespace Sensor.Core.Protocols.Text;

/// <summary>
/// One direction of a stream compressed with raw DEFLATE (RFC 1951), as IMAP COMPRESS=DEFLATE
/// sends it (RFC 4978 §4: each side flushes after each command or response, so what has arrived
/// inflates without waiting for more). Compressed is not encrypted: an observer reads on.
/// Push-fed: <see cref="Add"/> the bytes that arrived, then take <see cref="Next"/> until it is empty.
/// Holds zlib's state (its 32 KiB window) until <see cref="Dispose"/>.
/// </summary>
public sealed class StreamInflater : IDisposable
{
    /// <summary>What one inflater holds: zlib's window and state, the stream's input buffer and the output buffer.</summary>
    public const int ReservedBytes = 64 * 1024;
    private const int OutputBytes = 4096;

    private readonly PendingInput _input = new();
    private readonly DeflateStream _inflate;
    private readonly byte[] _output = new byte[OutputBytes];

    public StreamInflater() => _inflate = new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);

    public void Add(ReadOnlySpan<byte> compressed) => _input.Append(compressed);

    /// <summary>The next inflated bytes (valid until the next call), empty once the input is used up. Throws <see cref="InvalidDataException"/> on a corrupt stream.</summary>
    public ReadOnlySpan<byte> Next() => _output.AsSpan(0, _inflate.Read(_output));

    public void Dispose() => _inflate.Dispose();

    /// <summary>The bytes added and not yet read; a read with none left returns 0, which DeflateStream takes as "no more for now".</summary>
    private sealed class PendingInput : IO.ForwardReadStream
    {
        private byte[] _buffer = [];
        private int _offset, _length;

        public void Append(ReadOnlySpan<byte> data)
        {
            if (_buffer.Length - _offset - _length < data.Length)
            {
                var grown = _buffer.Length - _length >= data.Length ? _buffer : new byte[_length + data.Length];
                _buffer.AsSpan(_offset, _length).CopyTo(grown);
                (_buffer, _offset) = (grown, 0);
            }
            data.CopyTo(_buffer.AsSpan(_offset + _length));
            _length += data.Length;
        }

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, _length);
            _buffer.AsSpan(_offset, n).CopyTo(buffer);
            (_offset, _length) = _length == n ? (0, 0) : (_offset + n, _length - n);
            return n;
        }
    }
}
