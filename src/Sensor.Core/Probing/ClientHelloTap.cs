using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Probing;

/// <summary>
/// The stream under the probe's TLS handshake, passing everything through and reading what the probe's own
/// TLS stack writes with the capture side's TLS parser until its ClientHello was seen: the cipher suites it
/// offered, so the server's choice can be set against a captured client's (docs/crosscheck.md).
/// </summary>
internal sealed class ClientHelloTap(Stream inner) : Stream, IMailEventSink
{
    private readonly TlsStreamParser _parser = new(Direction.ClientToServer);

    /// <summary>The offered cipher suites in the ClientHello's order, IANA names; null until one was read.</summary>
    public IReadOnlyList<string>? OfferedCiphers { get; private set; }

    public void Emit(MailEvent mailEvent)
    {
        if (mailEvent is TlsClientHelloEvent hello)
            OfferedCiphers ??= [.. hello.CipherSuites.Select(TlsCipherSuites.Name)];
    }

    private void Tap(ReadOnlySpan<byte> written)
    {
        if (OfferedCiphers is null && !_parser.Stopped)
            _parser.Feed(written, this);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Tap(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Tap(buffer);
        inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Tap(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
