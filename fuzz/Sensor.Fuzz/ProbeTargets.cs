using System.Text;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Dns;
using Sensor.Core.Probing.Enumeration;

namespace Sensor.Fuzz;

/// <summary>What the probe side reads from servers it does not trust.</summary>
internal static class ProbeTargets
{
    /// <summary>The TLS enumerator's reading of a server's answer to a ClientHello, on every prefix length the input's first byte picks.</summary>
    public static void ServerAnswer(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var step = input.Byte() % 64 + 1;
        var answer = input.Rest;
        for (var length = 0; length < answer.Length; length += step)
            ServerAnswerReader.Read(answer[..length]);
        ServerAnswerReader.Read(answer);
    }

    /// <summary>
    /// A probe dialogue (greeting, capabilities, STARTTLS, quit) against a server whose bytes are the
    /// input. First byte: protocol (bits 0-1) and the read size (bits 2-7). Allowed out: <see cref="ProbeStepException"/>.
    /// </summary>
    public static void Dialogue(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var options = input.Byte();
        var protocol = (options & 3) switch { 0 => ProbeProtocol.Smtp, 1 => ProbeProtocol.Imap, _ => ProbeProtocol.Pop3 };
        var server = new ScriptedServerStream(input.Rest.ToArray(), readSize: (options >> 2) * 64 + 1);
        var probeOptions = ProbeOptions.Default with { MaxLineBytes = 512, MaxReplyBytes = 4096 };
        var connection = new ProbeConnection(server, probeOptions, CancellationToken.None, new ProbeReading(protocol));
        var dialogue = ProbeDialogue.For(protocol, probeOptions);
        var result = new ProbeResult { Target = new ProbeTarget("fuzz.invalid", 25, protocol, false) };
        try
        {
            dialogue.GreetAsync(connection, result).GetAwaiter().GetResult();
            dialogue.CapabilitiesAsync(connection, result).GetAwaiter().GetResult();
            dialogue.StartTlsAsync(connection, result).GetAwaiter().GetResult();
        }
        catch (ProbeStepException)
        {
        }
        dialogue.QuitAsync(connection).GetAwaiter().GetResult();
    }

    /// <summary>An MTA-STS policy file (RFC 8461 §3.2) and TXT records (one per line).</summary>
    public static void MtaSts(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        var policy = MtaStsPolicy.Parse(text, out var error);
        if ((policy is null) == (error is null))
            throw new FuzzFinding($"Parse gave policy {policy is not null} and error {error}");
        policy?.MatchesMx("mx1.example.org");
        var lines = text.Split('\n');
        MailPolicyTxt.StsRecord(lines);
        MailPolicyTxt.TlsRptRecord(lines);
        foreach (var line in lines)
            MtaStsPolicy.PatternMatches(line, "mail.example.org");
    }

    /// <summary>A server that sends the input (a few bytes per read, as a network would) and takes whatever it is sent.</summary>
    private sealed class ScriptedServerStream(byte[] script, int readSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, readSize), script.Length - _position);
            script.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
            _position += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) { }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
