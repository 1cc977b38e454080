using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

/// <summary>Hostile input: no exception escapes, no parser-fault, and what is wrong is named.</summary>
public class HostileInputTests
{
    public static TheoryData<MailProtocol, bool> Parsers => new()
    {
        { MailProtocol.Smtp, false }, { MailProtocol.Imap, false }, { MailProtocol.Pop3, false },
        { MailProtocol.Smtp, true }, { MailProtocol.Imap, true }, { MailProtocol.Pop3, true },
    };

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Random_bytes_in_both_directions(MailProtocol protocol, bool implicitTls)
    {
        var random = new Random(1234 + (int)protocol);
        for (int session = 0; session < 30; session++)
        {
            var parser = MailParserFactory.Create(protocol, implicitTls);
            var sink = new MailEventList();
            for (int i = 0; i < 40; i++)
            {
                var chunk = new byte[random.Next(0, 300)];
                random.NextBytes(chunk);
                if (random.Next(4) == 0)
                    chunk.AsSpan(0, chunk.Length / 2).Fill((byte)'\n');
                var direction = (Direction)random.Next(2);
                if (random.Next(20) == 0)
                    parser.Gap(direction, sink);
                parser.Feed(direction, chunk, sink);
            }
            parser.End(sink);
            Assert.DoesNotContain(sink, e => e is ProtocolAnomalyEvent { Name: "parser-fault" });
        }
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Protocol_shaped_garbage(MailProtocol protocol, bool implicitTls)
    {
        string[] pieces =
        [
            "AUTH PLAIN\r\n", "334 \r\n", "+ \r\n", "a AUTHENTICATE LOGIN\r\n", "AUTH LOGIN =\r\n", "****\r\n", "{9999}\r\n", "{5+}\r\n",
            "a LOGIN \"unterminated\r\n", "BDAT x\r\n", "BDAT 3 LAST\r\n", "DATA\r\n", "354 go\r\n", ".\r\n", "+OK\r\n", "-ERR\r\n",
            "STARTTLS\r\n", "220 go\r\n", "a OK\r\n", "STLS\r\n", "APOP\r\n", "PASS\r\n", "250-\r\n", "\u0016\u0003\u0001\u0000\u0005",
            "AUTH CRAM-MD5\r\n", "AUTH XOAUTH2 Zm9v\r\n", "AUTH DIGEST-MD5\r\n", "a AUTHENTICATE PLAIN {3}\r\n", "\r\n", "\n", "\r",
        ];
        var random = new Random(99);
        for (int session = 0; session < 200; session++)
        {
            var parser = MailParserFactory.Create(protocol, implicitTls);
            var sink = new MailEventList();
            for (int i = 0; i < 30; i++)
                parser.Feed((Direction)random.Next(2), Encoding.Latin1.GetBytes(pieces[random.Next(pieces.Length)]), sink);
            parser.End(sink);
            Assert.DoesNotContain(sink, e => e is ProtocolAnomalyEvent { Name: "parser-fault" });
        }
    }

    [Theory]
    [InlineData(MailProtocol.Smtp)]
    [InlineData(MailProtocol.Imap)]
    [InlineData(MailProtocol.Pop3)]
    public void Endless_line_is_capped_and_named(MailProtocol protocol)
    {
        var parser = MailParserFactory.Create(protocol, false);
        var sink = new MailEventList();
        var block = new byte[64 * 1024];
        block.AsSpan().Fill((byte)'A');
        for (int i = 0; i < 64; i++)
            parser.Feed(Direction.ClientToServer, block, sink);
        parser.Feed(Direction.ClientToServer, "\r\n"u8, sink);

        Assert.Single(sink, e => e is ProtocolAnomalyEvent { Name: "line-too-long" });
    }

    [Fact]
    public void Bad_base64_in_every_protocol_is_named()
    {
        var cases = new (MailProtocol Protocol, string Greeting, string Command)[]
        {
            (MailProtocol.Smtp, "220 mx ESMTP\r\n", "AUTH PLAIN ###\r\n"),
            (MailProtocol.Imap, "* OK ready\r\n", "a AUTHENTICATE PLAIN ###\r\n"),
            (MailProtocol.Pop3, "+OK ready\r\n", "AUTH PLAIN ###\r\n"),
        };
        foreach (var (protocol, greeting, command) in cases)
        {
            var events = EventText.Events(MailParserFactory.Create(protocol, false), new Transcript().S(greeting).C(command));
            Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "bad-base64" });
            Assert.DoesNotContain(events, e => e is CredentialEvent);
        }
    }

    [Fact]
    public void Plain_without_nuls_is_a_bad_sasl_message()
    {
        var events = EventText.Events(MailParserFactory.Create(MailProtocol.Smtp, false),
            new Transcript().S("220 mx ESMTP\r\n").C($"AUTH PLAIN {Convert.ToBase64String("alice"u8.ToArray())}\r\n"));

        Assert.Contains(events, e => e is ProtocolAnomalyEvent { Name: "bad-sasl-message" });
    }
}
