using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

// Many small SMTP servers in one process, for the survey benchmark (bench/survey-bench.sh): one
// listener per address 127.0.A.B on one port, addresses counted from 127.0.1.1 (B from 1 to 250,
// then the next A). Server i behaves as i mod 5 says:
//   0 tls      EHLO offers STARTTLS, the handshake is real (SslStream, a self-signed ECDSA P-256 certificate made at start)
//   1 plain    EHLO without STARTTLS
//   2 refuse   STARTTLS offered, answered "454 4.7.0 TLS not available"
//   3 slow     like tls, after a greeting delayed by --slow-ms (default 200)
//   4 reset    accepts, then resets the connection (RST) without a word
// Usage: sensor-probetargets COUNT [--port 25] [--slow-ms 200] [--list FILE]
// With --list it writes the "ADDRESS:PORT" lines a survey reads. It prints "ready COUNT" when all
// listen and runs until killed.

var count = int.Parse(args[0]);
var port = Option("--port", 25);
var slowMs = Option("--slow-ms", 200);
var listPath = args.SkipWhile(a => a != "--list").Skip(1).FirstOrDefault();
var behaviours = new[] { "tls", "plain", "refuse", "slow", "reset" };

using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var request = new CertificateRequest("CN=bench.probe.test", key, HashAlgorithmName.SHA256);
using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
// SslStream on Linux needs a certificate whose key came from a PKCS#12 blob
var certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
var tlsContext = SslStreamCertificateContext.Create(certificate, null, offline: true);

var listeners = new List<TcpListener>();
var lines = new List<string>();
for (var i = 0; i < count; i++)
{
    var address = new IPAddress(new byte[] { 127, 0, (byte)(1 + i / 250), (byte)(1 + i % 250) });
    var listener = new TcpListener(address, port);
    listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
    listener.Start(512);
    listeners.Add(listener);
    lines.Add($"{address}:{port}");
    _ = AcceptLoop(listener, behaviours[i % behaviours.Length]);
}
if (listPath is not null)
    File.WriteAllLines(listPath, lines);
Console.WriteLine($"ready {count}");
await Task.Delay(Timeout.Infinite);

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 ? int.Parse(args[index + 1]) : fallback;
}

async Task AcceptLoop(TcpListener listener, string behaviour)
{
    while (true)
    {
        var client = await listener.AcceptSocketAsync();
        _ = Serve(client, behaviour);
    }
}

async Task Serve(Socket client, string behaviour)
{
    try
    {
        if (behaviour == "reset")
        {
            client.LingerState = new LingerOption(true, 0);
            client.Close();
            return;
        }
        if (behaviour == "slow")
            await Task.Delay(slowMs);
        Stream stream = new NetworkStream(client, ownsSocket: true);
        await Write(stream, "220 bench.probe.test ESMTP\r\n");
        var reader = new LineReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    var tls = behaviour != "plain" && stream is not SslStream;
                    await Write(stream, tls ? "250-bench.probe.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n" : "250-bench.probe.test\r\n250 PIPELINING\r\n");
                    break;
                case "STARTTLS" when behaviour == "refuse":
                    await Write(stream, "454 4.7.0 TLS not available\r\n");
                    break;
                case "STARTTLS" when behaviour != "plain" && stream is not SslStream:
                    await Write(stream, "220 2.0.0 ready\r\n");
                    var ssl = new SslStream(stream);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = tlsContext });
                    stream = ssl;
                    reader = new LineReader(stream);
                    break;
                case "QUIT":
                    await Write(stream, "221 2.0.0 bye\r\n");
                    await stream.DisposeAsync();
                    return;
                default:
                    await Write(stream, "502 5.5.2 not here\r\n");
                    break;
            }
        }
        await stream.DisposeAsync();
    }
    catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
    {
        client.Dispose();
    }
}

static Task Write(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

/// <summary>CRLF lines from a stream, at most 4 KiB each.</summary>
sealed class LineReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[4096];
    private int _start, _end;

    public async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                (_end, _start) = (_end - _start, 0);
            }
            if (_end == _buffer.Length)
                return null;
            var read = await stream.ReadAsync(_buffer.AsMemory(_end));
            if (read == 0)
                return null;
            _end += read;
        }
    }
}
