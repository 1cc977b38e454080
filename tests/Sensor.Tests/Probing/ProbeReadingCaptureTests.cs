using System.Text;
using Sensor.Core.Decoding;
using Sensor.Core.Probing;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;
using Sensor.Tests.Replay;

namespace Sensor.Tests.Probing;

/// <summary>
/// The probe and the capture derive the same banner, server name, capabilities and STARTTLS offer from
/// the same server bytes: for every session in captures/ whose client asked for the capabilities first
/// (EHLO, CAPABILITY, CAPA), the server's greeting and capability reply are read once as the capture
/// side reads them (the parser and session builder, fed both directions) and once by the real probe
/// dialogue served those bytes over a stream (the dialogue sends its own commands, as a probe does).
/// Sessions whose client spoke before the greeting was whole are left out: a probe waits for it.
/// </summary>
public class ProbeReadingCaptureTests
{
    public static TheoryData<string> Captures() => [.. Directory.GetFiles(Manifest.CapturesDirectory, "*.pcap*").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task BothSidesDeriveTheSameValues(string capture)
    {
        foreach (var exchange in Exchanges(Path.Combine(Manifest.CapturesDirectory, capture)))
        {
            var passive = CaptureSide(exchange);
            var probe = await ProbeSide(exchange);
            var where = $"{capture} {exchange.Flow}";
            Assert.True(passive.GreetingSeen, where);
            Assert.Equal((passive.Banner, passive.ServerName, passive.StartTlsOffered), (probe.Banner, probe.ServerName, probe.StartTlsOffered));
            Assert.Equal(passive.Capabilities, probe.Capabilities);
        }
    }

    [Fact]
    public void EveryProtocolIsCoveredByManySessions()
    {
        var all = Directory.GetFiles(Manifest.CapturesDirectory, "*.pcap*").SelectMany(Exchanges).ToList();
        var counts = all.GroupBy(e => e.Protocol).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(counts.GetValueOrDefault(ProbeProtocol.Smtp) >= 20, $"smtp {counts.GetValueOrDefault(ProbeProtocol.Smtp)}");
        Assert.True(counts.GetValueOrDefault(ProbeProtocol.Imap) >= 5, $"imap {counts.GetValueOrDefault(ProbeProtocol.Imap)}");
        Assert.True(counts.GetValueOrDefault(ProbeProtocol.Pop3) >= 3, $"pop3 {counts.GetValueOrDefault(ProbeProtocol.Pop3)}");
        // a stripped offer and an intact one are both among them
        Assert.Contains(all, e => CaptureSide(e).StartTlsOffered);
        Assert.Contains(all, e => !CaptureSide(e).StartTlsOffered);
    }

    /// <summary>One session's greeting, the client's capability command and the server's capability reply, as they crossed.</summary>
    public sealed record Exchange(string Flow, ProbeProtocol Protocol, byte[] Greeting, byte[] Command, byte[] Reply);

    private static MailSession CaptureSide(Exchange e)
    {
        var protocol = e.Protocol switch { ProbeProtocol.Smtp => MailProtocol.Smtp, ProbeProtocol.Imap => MailProtocol.Imap, _ => MailProtocol.Pop3 };
        var parser = MailParserFactory.Create(protocol, implicitTls: false);
        var builder = new SessionBuilder(new MailSession("s", protocol, default, default, 0, false, false));
        parser.Feed(Direction.ServerToClient, e.Greeting, builder);
        parser.Feed(Direction.ClientToServer, e.Command, builder);
        parser.Feed(Direction.ServerToClient, e.Reply, builder);
        return builder.Session;
    }

    private static async Task<ProbeResult> ProbeSide(Exchange e)
    {
        var target = new ProbeTarget("192.0.2.1", 25, e.Protocol, false);
        var result = new ProbeResult { Target = target };
        // The probe tags its CAPABILITY "s1": the captured reply's tagged line is given that tag.
        var reply = e.Protocol == ProbeProtocol.Imap ? Retag(e.Reply, e.Command) : e.Reply;
        var options = ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(5));
        await using var stream = new ScriptedServer([.. e.Greeting, .. reply]);
        var connection = new ProbeConnection(stream, options, CancellationToken.None, new ProbeReading(e.Protocol));
        var dialogue = ProbeDialogue.For(e.Protocol, options);
        await dialogue.GreetAsync(connection, result);
        try
        {
            await dialogue.CapabilitiesAsync(connection, result);
        }
        catch (ProbeStepException)
        {
            // a refused EHLO/CAPA is a result too: the values read so far still count
        }
        return result;
    }

    private static byte[] Retag(byte[] reply, byte[] command)
    {
        var tag = Encoding.Latin1.GetString(command).Split(' ')[0];
        var text = Encoding.Latin1.GetString(reply);
        var at = text.StartsWith(tag + " ", StringComparison.Ordinal) ? 0 : text.IndexOf("\n" + tag + " ", StringComparison.Ordinal) + 1;
        return Encoding.Latin1.GetBytes(text[..at] + "s1" + text[(at + tag.Length)..]);
    }

    /// <summary>The exchanges of a capture whose client's first command asks for the capabilities.</summary>
    public static IEnumerable<Exchange> Exchanges(string file)
    {
        foreach (var (flow, client, server) in Streams(ReplayHarness.Segments(file)))
        {
            var commandEnd = Array.IndexOf(client, (byte)'\n') + 1;
            if (commandEnd == 0)
                continue;
            var command = client[..commandEnd];
            var words = Encoding.Latin1.GetString(command).Trim().Split(' ');
            ProbeProtocol? protocol = server switch
            {
                [(byte)'2', (byte)'2', (byte)'0', ..] when words[0].Equals("EHLO", StringComparison.OrdinalIgnoreCase) => ProbeProtocol.Smtp,
                [(byte)'*', (byte)' ', ..] when words.Length == 2 && words[1].Equals("CAPABILITY", StringComparison.OrdinalIgnoreCase) => ProbeProtocol.Imap,
                [(byte)'+', (byte)'O', (byte)'K', ..] when words.Length == 1 && words[0].Equals("CAPA", StringComparison.OrdinalIgnoreCase) => ProbeProtocol.Pop3,
                _ => null,
            };
            if (protocol is not { } p || Split(p, server, words[0]) is not var (greeting, reply) || reply.Length == 0)
                continue;
            yield return new Exchange(flow, p, greeting, command, reply);
        }
    }

    /// <summary>The greeting, and the capability reply after it (SMTP: up to its last line; IMAP: up to the tagged line; POP3: to "." or -ERR).</summary>
    private static (byte[], byte[])? Split(ProbeProtocol protocol, byte[] server, string tag)
    {
        var lines = new List<byte[]>();
        for (int start = 0, end; start < server.Length; start = end)
        {
            end = Array.IndexOf(server, (byte)'\n', start) + 1;
            if (end == 0)
                break;
            lines.Add(server[start..end]);
        }
        string Text(int i) => Encoding.Latin1.GetString(lines[i]).TrimEnd('\r', '\n');
        bool SmtpLast(int i) => Text(i).Length < 4 || Text(i)[3] != '-';
        int greetingEnd = protocol == ProbeProtocol.Smtp ? Enumerable.Range(0, lines.Count).FirstOrDefault(SmtpLast, -1) : lines.Count > 0 ? 0 : -1;
        // A client that spoke before the greeting was whole (Postfix postscreen's pre-greet test) got
        // another exchange than a probe, which waits for the greeting: such sessions are left out.
        if (greetingEnd < 0 || (protocol == ProbeProtocol.Smtp && Enumerable.Range(0, greetingEnd + 1).Any(i => !Text(i).StartsWith("220", StringComparison.Ordinal))))
            return null;
        for (var i = greetingEnd + 1; i < lines.Count; i++)
        {
            bool last = protocol switch
            {
                ProbeProtocol.Smtp => SmtpLast(i),
                ProbeProtocol.Imap => Text(i).StartsWith(tag + " ", StringComparison.Ordinal),
                _ => Text(i) == "." || (i == greetingEnd + 1 && Text(i).StartsWith("-ERR", StringComparison.OrdinalIgnoreCase)),
            };
            if (last)
                return ([.. lines.Take(greetingEnd + 1).SelectMany(l => l)], [.. lines.Skip(greetingEnd + 1).Take(i - greetingEnd).SelectMany(l => l)]);
        }
        return null;
    }

    /// <summary>Each connection that began with a SYN in the capture: its client's and its server's bytes, in sequence order, each byte once.</summary>
    private static IEnumerable<(string Flow, byte[] Client, byte[] Server)> Streams(List<SegmentSpec> segments)
    {
        var opened = segments.Where(s => s.Flags.HasFlag(TcpFlags.Syn) && !s.Flags.HasFlag(TcpFlags.Ack))
            .Select(s => (Client: s.Source, Server: s.Destination, Isn: s.Sequence)).DistinctBy(f => (f.Client, f.Server)).ToList();
        foreach (var (client, server, _) in opened)
            yield return ($"{client}->{server}", Bytes(segments, client, server), Bytes(segments, server, client));
    }

    private static byte[] Bytes(List<SegmentSpec> segments, Endpoint from, Endpoint to)
    {
        var data = segments.Where(s => s.Source == from && s.Destination == to && s.IsData).ToList();
        if (data.Count == 0)
            return [];
        var origin = data[0].Sequence;
        var bytes = new List<byte>();
        foreach (var s in data.OrderBy(s => s.Sequence - origin))
        {
            var offset = (int)(s.Sequence - origin);
            if (offset + s.Payload.Length <= bytes.Count)
                continue;
            if (offset > bytes.Count)
                break; // a hole: nothing after it is read
            bytes.AddRange(s.Payload.Skip(bytes.Count - offset));
        }
        return [.. bytes];
    }

    /// <summary>A server that sends its script as the client reads and swallows whatever the client writes.</summary>
    private sealed class ScriptedServer(byte[] script) : Stream
    {
        private int _at;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => script.Length;
        public override long Position { get => _at; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, script.Length - _at);
            Array.Copy(script, _at, buffer, offset, n);
            _at += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) { }
    }
}
