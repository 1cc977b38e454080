using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Pop3;
using Sensor.Core.Protocols.Smtp;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

/// <summary>
/// The STARTTLS gate as each of the three parsers composes it: the same dialogue shapes in SMTP
/// (RFC 3207), IMAP (RFC 2595 §3.1) and POP3 (RFC 2595 §4), each fed whole and split every way.
/// </summary>
public class StartTlsGateCompositionTests
{
    /// <summary>One protocol's lines: greeting, upgrade command, its accepting and refusing answers, and a login in the clear.</summary>
    private sealed record Dialogue(Func<IMailSessionParser> Create, string Greeting, string Command, string Accept, string Refuse, string Login, string User)
    {
        public override string ToString() => Command.Trim();
    }

    private static readonly byte[] ClientHelloStart = [0x16, 0x03, 0x01, 0x00, 0x05];

    private static readonly Dictionary<string, Dialogue> Dialogues = new()
    {
        ["smtp"] = new(() => new SmtpSessionParser(), "220 mx.example ESMTP\r\n", "STARTTLS\r\n", "220 2.0.0 Ready to start TLS\r\n",
            "454 4.7.0 TLS not available\r\n", "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n", "alice"),
        ["imap"] = new(() => new ImapSessionParser(), "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", "a1 STARTTLS\r\n", "a1 OK begin TLS\r\n",
            "a1 NO not now\r\n", "a2 LOGIN alice s3cret\r\n", "alice"),
        ["pop3"] = new(() => new Pop3SessionParser(), "+OK POP3 ready\r\n", "STLS\r\n", "+OK begin TLS\r\n",
            "-ERR not now\r\n", "USER alice\r\nPASS s3cret\r\n", "alice"),
    };

    public static TheoryData<string> Protocols() => ["smtp", "imap", "pop3"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public void A_clean_upgrade_reports_nothing_injected_and_ends_in_TLS(string protocol)
    {
        var d = Dialogues[protocol];
        var t = new Transcript().S(d.Greeting).C(d.Command).S(d.Accept).C(ClientHelloStart);

        var parser = d.Create();
        var events = EventText.Events(parser, t);
        TranscriptFeeder.EverySplit(d.Create, t);

        Assert.True(parser.InTls);
        Assert.DoesNotContain(events, e => e is InjectedBytesEvent or TlsNotStartedEvent or CredentialEvent);
        Assert.Contains(new StartTlsReplyEvent(true, Status(d.Accept), Text(d.Accept)), events);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Client_bytes_behind_the_command_are_injected_and_gone_once_accepted(string protocol)
    {
        var d = Dialogues[protocol];
        var t = new Transcript().S(d.Greeting).C(d.Command + d.Login).S(d.Accept).C(ClientHelloStart);

        var parser = d.Create();
        var events = EventText.Events(parser, t);
        TranscriptFeeder.EverySplit(d.Create, t);

        Assert.True(parser.InTls);
        Assert.Contains(new InjectedBytesEvent(Direction.ClientToServer, d.Login.Length, WireText.Escape(System.Text.Encoding.Latin1.GetBytes(d.Login))), events);
        Assert.DoesNotContain(events, e => e is CredentialEvent); // held, never parsed: the server would run it inside TLS
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Server_bytes_behind_the_acceptance_are_injected(string protocol)
    {
        var d = Dialogues[protocol];
        var t = new Transcript().S(d.Greeting).C(d.Command).S(d.Accept + d.Refuse).C(ClientHelloStart);

        var events = EventText.Events(d.Create(), t);
        TranscriptFeeder.EverySplit(d.Create, t);

        Assert.Contains(new InjectedBytesEvent(Direction.ServerToClient, d.Refuse.Length, WireText.Escape(System.Text.Encoding.Latin1.GetBytes(d.Refuse))), events);
        Assert.Single(events, e => e is StartTlsReplyEvent);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Cleartext_after_the_acceptance_is_reported_and_still_parsed(string protocol)
    {
        var d = Dialogues[protocol];
        var t = new Transcript().S(d.Greeting).C(d.Command).S(d.Accept).C(d.Login);

        var parser = d.Create();
        var events = EventText.Events(parser, t);
        TranscriptFeeder.EverySplit(d.Create, t);

        Assert.False(parser.InTls);
        string firstLine = d.Login[..d.Login.IndexOf('\r')];
        Assert.Contains(new TlsNotStartedEvent(Direction.ClientToServer, firstLine), events);
        Assert.Equal(d.User, Assert.Single(events.OfType<CredentialEvent>()).User);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void After_a_refusal_the_held_bytes_are_reported_and_parsed_as_cleartext(string protocol)
    {
        var d = Dialogues[protocol];
        var t = new Transcript().S(d.Greeting).C(d.Command + d.Login).S(d.Refuse);

        var parser = d.Create();
        var events = EventText.Events(parser, t);
        TranscriptFeeder.EverySplit(d.Create, t);

        Assert.False(parser.InTls);
        Assert.Contains(new StartTlsReplyEvent(false, Status(d.Refuse), Text(d.Refuse)), events);
        Assert.Contains(events, e => e is InjectedBytesEvent { Direction: Direction.ClientToServer });
        Assert.Equal(d.User, Assert.Single(events.OfType<CredentialEvent>()).User);
        Assert.DoesNotContain(events, e => e is TlsNotStartedEvent);
    }

    /// <summary>SMTP: the code; IMAP: the word after the tag; POP3: +OK or -ERR.</summary>
    private static string Status(string reply)
    {
        var words = reply.TrimEnd().Split(' ');
        return words[0].StartsWith('a') ? words[1] : words[0];
    }

    private static string Text(string reply)
    {
        var words = reply.TrimEnd().Split(' ', 3);
        return words[0].StartsWith('a') ? words[2] : string.Join(' ', words[1..]);
    }
}
