using System.Net.Sockets;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Probing;

/// <summary>
/// The probe's connection as a stream that, once <see cref="Arm"/>ed at the start of the TLS handshake, reads what
/// the probe's own TLS stack writes with the capture side's TLS parser until its ClientHello was seen: the cipher
/// suites it offered, so the server's choice can be set against a captured client's (docs/verdicts.md). A
/// NetworkStream itself, so the TLS stack runs over the socket's own stream as before.
/// </summary>
internal sealed class ClientHelloTap(Socket socket) : NetworkStream(socket, ownsSocket: false), IMailEventSink
{
    // A ClientHello record and what may follow it in the same write; more is not a ClientHello worth reading.
    private const int MaxKept = TlsStreamParser.MaxRecordBytes;

    private byte[]? _written;
    private int _length;
    private Task<IReadOnlyList<string>?>? _offered;
    private IReadOnlyList<string>? _ciphers;

    /// <summary>What is written from now on is TLS: its first record is kept.</summary>
    public void Arm() => _written ??= new byte[MaxKept];

    /// <summary>
    /// The offered cipher suites in the ClientHello's order, IANA names; null when none was read. Read off the
    /// handshake's way (the parser runs while the server answers), so a probe is not slower for it.
    /// </summary>
    public Task<IReadOnlyList<string>?> OfferedCiphersAsync() => _offered ?? Task.FromResult<IReadOnlyList<string>?>(null);

    public void Emit(MailEvent mailEvent)
    {
        if (mailEvent is TlsClientHelloEvent hello)
            _ciphers ??= [.. hello.CipherSuites.Select(TlsCipherSuites.Name)];
    }

    private void Tap(ReadOnlySpan<byte> written)
    {
        if (_written is null || _offered is not null)
            return;
        int take = Math.Min(written.Length, MaxKept - _length);
        written[..take].CopyTo(_written.AsSpan(_length));
        _length += take;
        // TLS record header (RFC 8446 §5.1): type, version, 16-bit length.
        if (_length >= 5 && (_length >= 5 + (_written[3] << 8 | _written[4]) || _length == MaxKept))
            _offered = Task.Run(Parse);
    }

    private IReadOnlyList<string>? Parse()
    {
        new TlsStreamParser(Direction.ClientToServer).Feed(_written.AsSpan(0, _length), this);
        return _ciphers;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Tap(buffer.AsSpan(offset, count));
        base.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Tap(buffer);
        base.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Tap(buffer.Span);
        return base.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Tap(buffer.AsSpan(offset, count));
        return base.WriteAsync(buffer, offset, count, cancellationToken);
    }
}
