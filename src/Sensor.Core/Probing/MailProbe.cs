using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sensor.Core.Probing.Enumeration;

namespace Sensor.Core.Probing;

/// <summary>
/// Probes one server: connect, greeting, capabilities, STARTTLS/STLS (or TLS at connect on
/// 465/993/995), the handshake, QUIT/LOGOUT. Every step is bounded; whatever happens is returned
/// as a <see cref="ProbeResult"/> with what was learned before it stopped.
/// </summary>
public static class MailProbe
{
    /// <summary>
    /// Probes the address <see cref="ProbeOptions.Attempts"/> times, one connection after another; the
    /// first connection's result is the probe's (enumerated and graded), each connection is kept in its attempts.
    /// Through a proxy <paramref name="address"/> is null for a name the proxy resolves.
    /// </summary>
    public static async Task<ProbeResult> RunAsync(ProbeTarget target, IPAddress? address, ProbeOptions options, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await OnceAsync(target, address, options, cancellationToken);
        if (options.Attempts > 1)
        {
            result.Attempts = [ProbeAttempt.Of(result)];
            for (var i = 1; i < Math.Min(options.Attempts, ProbeOptions.MaxAttempts); i++)
                result.Attempts.Add(ProbeAttempt.Of(await OnceAsync(target, address, options, cancellationToken)));
        }
        if (options.Enumerate && options.Proxy is null && address is not null && result.Outcome is ProbeOutcome.Ok or ProbeOutcome.TlsFailed)
            result.Enumeration = await TlsEnumerator.RunAsync(target, address, options, cancellationToken);
        (result.Grade, result.GradeBasis) = Grading.Of(result.Tls, result.Enumeration);
        result.Elapsed = stopwatch.Elapsed;
        return result;
    }

    /// <summary>One connection: everything up to where it stopped.</summary>
    private static async Task<ProbeResult> OnceAsync(ProbeTarget target, IPAddress? address, ProbeOptions options, CancellationToken cancellationToken)
    {
        var result = new ProbeResult { Target = target, Server = address is null ? null : Endpoint(address, target.Port) };
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(options.TotalTimeout);
        try
        {
            await ProbeAsync(target, address, options, result, total.Token);
        }
        catch (ProbeStepException e)
        {
            result.Fail(e.Outcome, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result.Fail(ProbeOutcome.Timeout, $"the whole probe took longer than {ProbeConnection.Seconds(options.TotalTimeout)}");
        }
        return result;
    }

    public static string Endpoint(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    private static async Task ProbeAsync(ProbeTarget target, IPAddress? address, ProbeOptions options, ProbeResult result, CancellationToken token)
    {
        var (socket, serverTcp) = await ConnectAsync(target, address, options, result, token);
        var tap = new ClientHelloTap(socket);
        try
        {
            using (socket)
                await DialogueAsync(tap, target, options, result, token);
        }
        finally
        {
            // Both were read while the dialogue went on: waited for only now.
            result.ServerTcp = await serverTcp;
            if (result.Tls is { } tls)
                result.Tls = tls with { OfferedCiphers = await tap.OfferedCiphersAsync() };
        }
    }

    private static async Task DialogueAsync(Stream stream, ProbeTarget target, ProbeOptions options, ProbeResult result, CancellationToken token)
    {
        var dialogue = ProbeDialogue.For(target.Protocol, options);
        if (target.ImplicitTls)
        {
            var (tls, facts) = await TlsProbe.HandshakeAsync(stream, target.Host, options, token);
            result.Tls = facts;
            await using (tls)
            {
                var connection = new ProbeConnection(tls, options, token, new ProbeReading(target.Protocol));
                await dialogue.GreetAsync(connection, result);
                await dialogue.CapabilitiesAsync(connection, result);
                await dialogue.QuitAsync(connection);
            }
            return;
        }

        var plain = new ProbeConnection(stream, options, token, new ProbeReading(target.Protocol));
        await dialogue.GreetAsync(plain, result);
        await dialogue.CapabilitiesAsync(plain, result);
        if (!result.StartTlsOffered)
        {
            await dialogue.QuitAsync(plain);
            throw new ProbeStepException(ProbeOutcome.StartTlsAbsent, "the server did not offer STARTTLS");
        }
        result.StartTlsAttempted = true;
        if (!await dialogue.StartTlsAsync(plain, result))
        {
            await dialogue.QuitAsync(plain);
            throw new ProbeStepException(ProbeOutcome.StartTlsRefused, $"STARTTLS refused: {ProbeConnection.Truncate(result.StartTlsReply ?? "")}");
        }
        if (plain.Buffered > 0)
            throw ProbeStepException.Protocol("the server sent data after its STARTTLS answer, before the TLS handshake");
        var (ssl, tlsFacts) = await TlsProbe.HandshakeAsync(stream, target.Host, options, token);
        result.Tls = tlsFacts;
        await using (ssl)
        {
            plain.Upgrade(ssl);
            await dialogue.QuitAsync(plain);
        }
    }

    /// <summary>
    /// Straight to the address, reading the answering host's TCP/IP traits (<see cref="ProbeTcpTraits"/>), or through
    /// the proxy (by name when no address is known here), noting the proxy's exit: there the SYN/ACK is the proxy's own.
    /// </summary>
    private static async Task<(Socket Socket, Task<Output.TcpTraitsRecord?> ServerTcp)> ConnectAsync(
        ProbeTarget target, IPAddress? address, ProbeOptions options, ProbeResult result, CancellationToken token)
    {
        if (options.Proxy is not { } proxy)
        {
            // Opened before the connect, so the SYN/ACK is caught.
            var watch = SynAckWatch.TryOpen(new IPEndPoint(address!, target.Port));
            Socket direct;
            try
            {
                direct = await ConnectAsync(address!, target.Port, options.ConnectTimeout, token);
            }
            catch
            {
                watch?.Dispose();
                throw;
            }
            return (direct, ProbeTcpTraits.ReadAsync(direct, watch));
        }
        var (socket, exit) = await proxy.ConnectAsync(address?.ToString() ?? target.Host, target.Port, options.ConnectTimeout, token);
        result.Exit = exit?.ToString();
        return (socket, Task.FromResult<Output.TcpTraitsRecord?>(null));
    }

    internal static async Task<Socket> ConnectAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken token)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ProbeStepException(ProbeOutcome.Timeout, $"timeout connecting ({ProbeConnection.Seconds(timeout)})");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // A refused SYN is ECONNREFUSED; a reset here came after the connection was made.
            socket.Dispose();
            throw ProbeStepException.Protocol("connection reset by the server right after it was accepted");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ProbeStepException(ProbeOutcome.Unreachable, e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.NetworkUnreachable => "network unreachable",
                SocketError.HostUnreachable => "host unreachable",
                _ => $"cannot connect: {e.Message}",
            });
        }
    }
}
