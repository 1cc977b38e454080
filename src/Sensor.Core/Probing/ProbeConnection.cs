using System.Net.Sockets;
using System.Text;

namespace Sensor.Core.Probing;

/// <summary>
/// The text side of a probe: reads CRLF lines with a timeout per reply, a cap on a line's length and
/// on a reply's bytes, so a server that stalls, sends an endless line or a 10 MB banner yields a
/// clear error with bounded memory. Writes one command line at a time.
/// </summary>
internal sealed class ProbeConnection(Stream stream, ProbeOptions options, CancellationToken probeToken, ProbeReading reading)
{
    private readonly byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    public Stream Stream { get; private set; } = stream;

    /// <summary>The cleartext dialogue as the capture side reads it (fed until <see cref="Upgrade"/>).</summary>
    public ProbeReading Reading { get; } = reading;

    private bool _upgraded;

    /// <summary>Bytes the server sent that are not yet consumed (data sent ahead of a STARTTLS answer).</summary>
    public int Buffered => _end - _start;

    public void Upgrade(Stream tls)
    {
        Stream = tls;
        _start = _end = 0;
        _upgraded = true;
    }

    /// <summary>
    /// Reads lines until <paramref name="isLast"/> says the reply is complete. <paramref name="step"/>
    /// names the step in errors ("the greeting", "the EHLO reply").
    /// </summary>
    public async Task<List<string>> ReadReplyAsync(Func<string, bool> isLast, string step, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(probeToken);
        cts.CancelAfter(timeout);
        var lines = new List<string>();
        var replyBytes = 0;
        var line = new MemoryStream();
        while (true)
        {
            if (_start == _end)
            {
                int read;
                try
                {
                    read = await Stream.ReadAsync(_buffer, cts.Token);
                }
                catch (OperationCanceledException) when (!probeToken.IsCancellationRequested)
                {
                    throw new ProbeStepException(ProbeOutcome.Timeout, $"timeout waiting for {step} ({Seconds(timeout)}){Partial(lines, line)}");
                }
                catch (IOException e)
                {
                    throw ProbeStepException.Protocol($"connection broken while reading {step}: {Describe(e)}{Partial(lines, line)}");
                }
                if (read == 0)
                    throw ProbeStepException.Protocol($"connection closed by the server while reading {step}{Partial(lines, line)}");
                _start = 0;
                _end = read;
            }
            var span = _buffer.AsSpan(_start, _end - _start);
            var newline = span.IndexOf((byte)'\n');
            var take = newline < 0 ? span.Length : newline + 1;
            replyBytes += take;
            if (line.Length + take > options.MaxLineBytes + 2)
                throw ProbeStepException.Protocol($"{step}: a line longer than {options.MaxLineBytes} bytes");
            if (replyBytes > options.MaxReplyBytes)
                throw ProbeStepException.Protocol($"{step}: more than {options.MaxReplyBytes} bytes ({lines.Count} lines)");
            line.Write(span[..take]);
            _start += take;
            if (newline < 0)
                continue;
            if (!_upgraded)
                Reading.Received(line.GetBuffer().AsSpan(0, (int)line.Length));
            var text = Decode(line);
            line.SetLength(0);
            lines.Add(text);
            if (isLast(text))
                return lines;
        }
    }

    public async Task WriteLineAsync(string command, string step, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(probeToken);
        cts.CancelAfter(timeout);
        try
        {
            var bytes = Encoding.ASCII.GetBytes(command + "\r\n");
            if (!_upgraded)
                Reading.Sent(bytes);
            await Stream.WriteAsync(bytes, cts.Token);
            await Stream.FlushAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!probeToken.IsCancellationRequested)
        {
            throw new ProbeStepException(ProbeOutcome.Timeout, $"timeout sending {step} ({Seconds(timeout)})");
        }
        catch (IOException e)
        {
            throw ProbeStepException.Protocol($"connection broken while sending {step}: {Describe(e)}");
        }
    }

    internal static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.###} s";

    internal static string Describe(Exception e) =>
        e.InnerException is SocketException s ? s.SocketErrorCode switch
        {
            SocketError.ConnectionReset => "connection reset by the server",
            SocketError.ConnectionAborted => "connection aborted",
            _ => s.Message,
        } : e.Message;

    private static string Partial(List<string> lines, MemoryStream line)
    {
        var seen = lines.Count > 0 ? lines[0] : line.Length > 0 ? Decode(line) : null;
        return seen is null ? "" : $" (after: {Truncate(seen)})";
    }

    internal static string Truncate(string text) => text.Length <= 120 ? text : text[..120] + "...";

    /// <summary>The line without its CRLF, as UTF-8 where valid (SMTPUTF8 servers, RFC 6531), controls and invalid bytes escaped.</summary>
    private static string Decode(MemoryStream line)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.Length > 0 && bytes[^1] == '\n') bytes = bytes[..^1];
        if (bytes.Length > 0 && bytes[^1] == '\r') bytes = bytes[..^1];
        return Output.TerminalText.Decode(bytes);
    }
}
