using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Enumeration;

/// <summary>
/// Asks a server which protocol versions and cipher classes it accepts: for each, a new connection
/// (greeting, EHLO/CAPABILITY/CAPA, STARTTLS/STLS, or TLS at connect), one ClientHello from
/// <see cref="ClientHelloBuilder"/>, the answer read by <see cref="ServerAnswerReader"/>, close.
/// Sequential (one connection at a time: polite to the server). Every read is bounded by the
/// handshake timeout and the whole enumeration by the probe's total timeout; after an attempt that
/// timed out or did not reach TLS, the rest are listed as not tested instead of waiting again.
/// </summary>
public static class TlsEnumerator
{
    public static async Task<EnumerationResult> RunAsync(ProbeTarget target, IPAddress address, ProbeOptions options, CancellationToken cancellationToken = default)
    {
        var result = new EnumerationResult();
        var serverName = IPAddress.TryParse(target.Host, out _) ? null : target.Host;
        var tests = new List<(string Name, bool IsVersion, ClientHelloSpec Spec, CipherClass? Class)>();
        foreach (var (name, version) in CipherClasses.Versions)
            tests.Add((name, true, CipherClasses.ForVersion(version, serverName), null));
        foreach (var cipherClass in CipherClasses.All)
            tests.Add((cipherClass.Name, false, CipherClasses.ForClass(cipherClass, serverName), cipherClass));

        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(options.TotalTimeout);
        string? stop = null;
        foreach (var test in tests)
        {
            if (stop is null && total.IsCancellationRequested)
                stop = $"the enumeration took longer than {ProbeConnection.Seconds(options.TotalTimeout)}";
            if (stop is not null)
            {
                result.NotTested.Add(new(test.Name, $"not tried: {stop}"));
                continue;
            }
            var answer = await AskAsync(target, address, test.Spec, options, total.Token);
            cancellationToken.ThrowIfCancellationRequested();
            Record(result, test.Name, test.IsVersion, test.Class, answer);
            if (answer.Kind is AnswerKind.Timeout or AnswerKind.NoTls)
                stop = $"an earlier attempt ({test.Name}) ended with {Describe(answer)}";
        }
        return result;
    }

    /// <summary>Files one answer under accepted, rejected or not tested. Pure.</summary>
    public static void Record(EnumerationResult result, string test, bool isVersion, CipherClass? cipherClass, HelloAnswer answer)
    {
        result.Attempts.Add(new EnumerationAttempt(test, AnswerName(answer.Kind), answer.Version, answer.Kind == AnswerKind.ServerHello ? answer.SuiteName : null, answer.Detail));
        switch (answer.Kind)
        {
            case AnswerKind.ServerHello when isVersion:
                (answer.Version == test ? result.Versions : result.RejectedVersions).Add(test);
                break;
            case AnswerKind.ServerHello when answer.Version == "TLSv1.3":
                result.NotTested.Add(new(test, "the server answered a TLS 1.2 ClientHello with TLS 1.3"));
                break;
            case AnswerKind.ServerHello when cipherClass is not null && cipherClass.Suites.Contains(answer.Suite):
                result.CipherClasses.Add(test);
                result.ClassSuites[test] = answer.SuiteName!;
                break;
            case AnswerKind.ServerHello:
                result.NotTested.Add(new(test, $"the server chose {answer.SuiteName}, which was not offered"));
                break;
            case AnswerKind.Alert or AnswerKind.Closed:
                (isVersion ? result.RejectedVersions : result.RejectedCipherClasses).Add(test);
                break;
            default:
                result.NotTested.Add(new(test, Describe(answer)));
                break;
        }
    }

    private static string AnswerName(AnswerKind kind) => kind switch
    {
        AnswerKind.ServerHello => "server-hello",
        AnswerKind.NoTls => "no-tls",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Describe(HelloAnswer answer) => answer.Kind switch
    {
        AnswerKind.Timeout => $"no answer to the ClientHello: {answer.Detail}",
        AnswerKind.Garbage => $"an answer that is not TLS: {answer.Detail}",
        AnswerKind.NoTls => $"TLS not reached: {answer.Detail}",
        _ => answer.Detail ?? AnswerName(answer.Kind),
    };

    /// <summary>One connection, one ClientHello, the answer. Never throws for what the server does.</summary>
    public static async Task<HelloAnswer> AskAsync(ProbeTarget target, IPAddress address, ClientHelloSpec spec, ProbeOptions options, CancellationToken token)
    {
        Socket socket;
        try
        {
            socket = await MailProbe.ConnectAsync(address, target.Port, options.ConnectTimeout, token);
        }
        catch (ProbeStepException e)
        {
            return new HelloAnswer(AnswerKind.NoTls, Detail: e.Message);
        }
        catch (OperationCanceledException)
        {
            return new HelloAnswer(AnswerKind.Timeout, Detail: "the enumeration's time ran out");
        }
        using (socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            try
            {
                if (!target.ImplicitTls)
                {
                    var plain = new ProbeConnection(stream, options, token, new ProbeReading(target.Protocol));
                    var dialogue = ProbeDialogue.For(target.Protocol, options);
                    var scratch = new ProbeResult { Target = target };
                    await dialogue.GreetAsync(plain, scratch);
                    await dialogue.CapabilitiesAsync(plain, scratch);
                    if (!scratch.StartTlsOffered)
                        return new HelloAnswer(AnswerKind.NoTls, Detail: "the server did not offer STARTTLS");
                    if (!await dialogue.StartTlsAsync(plain, scratch))
                        return new HelloAnswer(AnswerKind.NoTls, Detail: $"STARTTLS refused: {ProbeConnection.Truncate(scratch.StartTlsReply ?? "")}");
                    if (plain.Buffered > 0)
                        return new HelloAnswer(AnswerKind.NoTls, Detail: "the server sent data after its STARTTLS answer");
                }
            }
            catch (ProbeStepException e)
            {
                return new HelloAnswer(AnswerKind.NoTls, Detail: e.Message);
            }
            catch (OperationCanceledException)
            {
                return new HelloAnswer(AnswerKind.Timeout, Detail: "the enumeration's time ran out");
            }
            var random = new byte[32];
            var share = new byte[32];
            System.Security.Cryptography.RandomNumberGenerator.Fill(random);
            System.Security.Cryptography.RandomNumberGenerator.Fill(share);
            return await ExchangeAsync(stream, ClientHelloBuilder.Build(spec, random, share), options.HandshakeTimeout, token);
        }
    }

    /// <summary>Writes the hello, reads until <see cref="ServerAnswerReader"/> has an answer, the server closes, or the timeout.</summary>
    internal static async Task<HelloAnswer> ExchangeAsync(Stream stream, byte[] hello, TimeSpan timeout, CancellationToken token)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(timeout);
        var buffer = new byte[ServerAnswerReader.MaxBytes + 1];
        var received = 0;
        try
        {
            await stream.WriteAsync(hello, cts.Token);
            await stream.FlushAsync(cts.Token);
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(received), cts.Token);
                if (read == 0)
                    return new HelloAnswer(AnswerKind.Closed, Detail: received == 0 ? "connection closed" : $"connection closed after {received} bytes");
                received += read;
                var answer = ServerAnswerReader.Read(buffer.AsSpan(0, received));
                if (answer.Kind != AnswerKind.NeedMore)
                    return answer;
            }
        }
        catch (OperationCanceledException)
        {
            return new HelloAnswer(AnswerKind.Timeout, Detail: $"{ProbeConnection.Seconds(timeout)} after {received} bytes");
        }
        catch (IOException e)
        {
            return new HelloAnswer(AnswerKind.Closed, Detail: ProbeConnection.Describe(e));
        }
    }
}
