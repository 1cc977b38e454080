using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

/// <summary>
/// Real handshake bytes: an SslStream client and server over loopback TCP, each side's writes
/// recorded in the order they happened, with a fresh self-signed certificate.
/// </summary>
public sealed class TlsHandshakeCapture
{
    public const string HostName = "mail.example.test";

    public List<(Direction Direction, byte[] Bytes)> Writes { get; } = [];
    public required X509Certificate2 Certificate { get; init; }

    public static async Task<TlsHandshakeCapture> RunAsync(SslProtocols protocols)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={HostName}", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        var capture = new TlsHandshakeCapture { Certificate = certificate };

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();

        await using var clientTls = new SslStream(new RecordingStream(client.GetStream(), capture, Direction.ClientToServer));
        await using var serverTls = new SslStream(new RecordingStream(server.GetStream(), capture, Direction.ServerToClient));
        var serverTask = serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = protocols,
        });
        var clientTask = clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = HostName,
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await Task.WhenAll(serverTask, clientTask).WaitAsync(TimeSpan.FromSeconds(20));
        return capture;
    }

    private sealed class RecordingStream(Stream inner, TlsHandshakeCapture capture, Direction direction) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Record(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Record(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Record(ReadOnlySpan<byte> bytes)
        {
            lock (capture.Writes)
                capture.Writes.Add((direction, bytes.ToArray()));
        }
    }
}
