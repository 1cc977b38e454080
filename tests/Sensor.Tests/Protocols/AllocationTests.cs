using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Pop3;
using Sensor.Core.Protocols.Smtp;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

/// <summary>The common path (ordinary commands, responses and message bodies) allocates nothing.</summary>
public class AllocationTests
{
    private static long Allocated(IMailSessionParser parser, byte[] client, byte[] server)
    {
        var sink = new MailEventList();
        parser.Feed(Direction.ClientToServer, client, sink); // warm up
        parser.Feed(Direction.ServerToClient, server, sink);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            parser.Feed(Direction.ClientToServer, client, sink);
            parser.Feed(Direction.ServerToClient, server, sink);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Smtp_data_body_and_ordinary_round_trips()
    {
        var parser = new SmtpSessionParser();
        EventText.Events(parser, new Transcript().S(SmtpSessionParserTests.PostfixGreeting).C("EHLO x\r\n").S(SmtpSessionParserTests.PostfixEhlo)
            .C("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n").S("250 ok\r\n250 ok\r\n354 go\r\n"));
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Body line with .dots. and AUTH PLAIN words\r\n..stuffed\r\n", 64)));

        Assert.Equal(0, Allocated(parser, body, []));

        var sink = new MailEventList();
        parser.Feed(Direction.ClientToServer, "\r\n.\r\n"u8, sink);
        parser.Feed(Direction.ServerToClient, "250 2.0.0 Ok: queued\r\n"u8, sink);
        Assert.Equal(0, Allocated(parser, "NOOP\r\nRSET\r\n"u8.ToArray(), "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n"u8.ToArray()));
    }

    [Fact]
    public void Imap_fetch_with_literal_bodies()
    {
        var parser = new ImapSessionParser();
        EventText.Events(parser, new Transcript().S(ImapSessionParserTests.DovecotGreeting));
        string body = string.Concat(Enumerable.Repeat("a1 OK not a response\r\n* BYE nor this\r\n", 20));
        var client = Encoding.ASCII.GetBytes("a4 UID FETCH 1:* (FLAGS BODY.PEEK[])\r\n");
        var server = Encoding.ASCII.GetBytes($"* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {{{body.Length}}}\r\n{body})\r\na4 OK Fetch completed.\r\n");

        Assert.Equal(0, Allocated(parser, client, server));
    }

    [Fact]
    public void Pop3_retr_bodies()
    {
        var parser = new Pop3SessionParser();
        EventText.Events(parser, new Transcript().S("+OK Dovecot ready.\r\n"));
        string body = string.Concat(Enumerable.Repeat("+OK not a response\r\n..stuffed\r\n", 20));
        var client = Encoding.ASCII.GetBytes("RETR 1\r\nNOOP\r\n");
        var server = Encoding.ASCII.GetBytes($"+OK 100 octets\r\n{body}.\r\n+OK\r\n");

        Assert.Equal(0, Allocated(parser, client, server));
    }
}
