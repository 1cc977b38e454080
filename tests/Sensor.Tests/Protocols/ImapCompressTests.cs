using System.IO.Compression;
using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Imap;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Protocols;

/// <summary>IMAP COMPRESS=DEFLATE (RFC 4978): after the tagged OK both directions are raw DEFLATE, inflated and read on.</summary>
public class ImapCompressTests
{
    private static readonly Func<IMailSessionParser> Imap = () => new ImapSessionParser();

    private const string CyrusGreeting = "* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=DIGEST-MD5 AUTH=SCRAM-SHA-1 SASL-IR] cyrus.example.test Cyrus IMAP 3.6.1-Debian-3.6.1-4+deb12u5 server ready\r\n";

    private const string CyrusLoginCapabilities = "IMAP4rev1 LITERAL+ ID ENABLE ACL ANNOTATE-EXPERIMENT-1 BINARY CATENATE CHILDREN CONDSTORE CREATE-SPECIAL-USE ESEARCH ESORT LIST-EXTENDED LIST-MYRIGHTS LIST-STATUS MAILBOX-REFERRALS METADATA MOVE MULTIAPPEND NAMESPACE OBJECTID PREVIEW QRESYNC QUOTA RIGHTS=kxten SAVEDATE SEARCH=FUZZY SORT SORT=DISPLAY SPECIAL-USE STATUS=SIZE THREAD=ORDEREDSUBJECT THREAD=REFERENCES UIDPLUS UNSELECT URLAUTH URLAUTH=BINARY WITHIN DIGEST=SHA1 LIST-METADATA NO_ATOMIC_RENAME SCAN SORT=MODSEQ SORT=UID THREAD=REFS X-CREATEDMODSEQ X-REPLICATION X-SIEVE-MAILBOX XLIST XMOVE LOGINDISABLED COMPRESS=DEFLATE X-QUOTA=STORAGE X-QUOTA=MESSAGE X-QUOTA=X-ANNOTATION-STORAGE X-QUOTA=X-NUM-FOLDERS IDLE APPENDLIMIT=4294967295";

    /// <summary>
    /// mbsync 1.4.4 to Cyrus 3.6.1 (captures/imap-cyrus-mbsync-login.pcap): LOGIN, then COMPRESS
    /// DEFLATE and NAMESPACE, LIST, SELECT, LOGOUT compressed. Before the fix the compressed bytes
    /// were read as lines (malformed-reply).
    /// </summary>
    [Fact]
    public void Mbsync_to_cyrus_compressed_after_login_reads_on_without_anomalies()
    {
        var t = new Transcript()
            .S(CyrusGreeting)
            .C("1 LOGIN \"bob\" \"hunter2\"\r\n")
            .S("1 OK [CAPABILITY " + CyrusLoginCapabilities + "] User logged in SESSIONID=<cyrus.example.test-1795978918-17151-1-15184076503691625556>\r\n")
            .C("2 COMPRESS DEFLATE\r\n")
            .S("2 OK DEFLATE active\r\n")
            .C(Convert.FromBase64String("Mlbwc/R1DQ5wdHbl5QII"))
            .S(Convert.FromBase64String("0lLwc/R1DQ5wdHZV0NBQUlJQ0lfS1AQx/UsyUosUQotTi4r1kYSDMxKLUlMU3PJzUpBkeLmMFfy9FZzzcwtyUktSU3i5AAAAAP//"))
            .C(Convert.FromBase64String("IBMFH8/gEAUlJQUlLSVeLoAA"))
            .S(Convert.FromBase64String("0lLw8QwOUdCI8Ugs9st3zsjMSSlKzdMEKVfw9HPyj+DlMkHRoqBhoGdgYKBQnJpcrGCokJyYk1MMNBcAAAD//w=="))
            .C(Convert.FromBase64String("MlUIdvVxdQYKePo5+UcARQAC"))
            .S(Convert.FromBase64String("lJFLC8IwEIT/So5aEFpLtT0uZrWBNNUkvrAeitaKiohWiv56Ux9QvXnKkEm+GXYtYhOcGZR6aYk9FLrSfQ4DZQLgeCmzqlPSP6R5Xgl6TjeFObIXOVGZia7+mMDFEGUEwkD+BJDEai5JvP9wxoxOgDPK9Jw43cALun7gdH5eCJxp4tQvQzYIUekopgpH31YEjJvJMEoa5X1lb9dF6We39u58SfOrnbrl/vTdQPIIe6GZp0YpgNc9ECLWoFksFOl4nvsu5j1NiUBbU8k0Lus7ewAAAP//"))
            .C(Convert.FromBase64String("yEzBx9/dPzSElwsg"))
            .S(Convert.FromBase64String("0lJwinRV8PF39w8NUShKTU7NLAMJm6FFLQAAAP//"));

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Equal(
        [
            "GreetingEvent { Banner = " + CyrusGreeting[..200] + "…, ServerName =  }",
            "Capabilities ImapGreeting: IMAP4rev1 | LITERAL+ | ID | ENABLE | STARTTLS | AUTH=PLAIN | AUTH=LOGIN | AUTH=CRAM-MD5 | AUTH=DIGEST-MD5 | AUTH=SCRAM-SHA-1 | SASL-IR",
            "CredentialEvent { Mechanism = LOGIN, Variant = imap-login, Kind = Reusable, User = bob, Secret = hunter2 }",
            "Capabilities ImapCapability: " + CyrusLoginCapabilities.Replace(" ", " | "),
            "AuthResultEvent { Success = True, Status = OK }",
        ], events);
    }

    /// <summary>Compression before login (RFC 4978 does not forbid it): the LOGIN inside the compressed stream is still a password in the clear.</summary>
    [Fact]
    public void Login_inside_the_compressed_stream_is_seen_at_every_split()
    {
        var client = new Deflater();
        var server = new Deflater();
        var t = new Transcript()
            .S("* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE AUTH=PLAIN] ready\r\n")
            .C("a1 COMPRESS DEFLATE\r\n")
            .S("a1 OK DEFLATE active\r\n")
            .C(client.Next("a2 LOGIN alice \"S3cret-Pa55\"\r\n"))
            .S(server.Next("a2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"))
            .C(client.Next("a3 AUTHENTICATE PLAIN " + Convert.ToBase64String("\0bob\0hunter2"u8) + "\r\n"))
            .S(server.Next("a3 OK Logged in\r\n"));

        var events = TranscriptFeeder.EverySplit(Imap, t);

        Assert.Equal(
        [
            "GreetingEvent { Banner = * OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE AUTH=PLAIN] ready, ServerName =  }",
            "Capabilities ImapGreeting: IMAP4rev1 | COMPRESS=DEFLATE | AUTH=PLAIN",
            "CredentialEvent { Mechanism = LOGIN, Variant = imap-login, Kind = Reusable, User = alice, Secret = S3cret-Pa55 }",
            "AuthResultEvent { Success = False, Status = NO }",
            "CredentialEvent { Mechanism = PLAIN, Variant = imap-authenticate-plain, Kind = Reusable, User = bob, Secret = hunter2 }",
            "AuthResultEvent { Success = True, Status = OK }",
        ], events);
    }

    [Fact]
    public void A_refused_compress_leaves_the_stream_in_the_clear()
    {
        var t = new Transcript()
            .S("* OK ready\r\n")
            .C("a1 COMPRESS DEFLATE\r\n")
            .S("a1 NO [COMPRESSIONACTIVE] already\r\n")
            .C("a2 LOGIN bob hunter2\r\n");

        Assert.Contains("CredentialEvent { Mechanism = LOGIN, Variant = imap-login, Kind = Reusable, User = bob, Secret = hunter2 }",
            TranscriptFeeder.EverySplit(Imap, t));
    }

    [Fact]
    public void Corrupt_lost_or_unknown_compression_stops_that_direction_with_one_anomaly()
    {
        var corrupt = new Transcript().S("* OK ready\r\n").C("a1 COMPRESS DEFLATE\r\n").S("a1 OK go\r\n")
            .C([0xff, 0xff, 0xff, 0xff]).C("a2 LOGIN bob hunter2\r\n");
        Assert.Equal(["ProtocolAnomalyEvent { Direction = ClientToServer, Name = compression-lost, Detail = corrupt DEFLATE data }"],
            TranscriptFeeder.Whole(Imap, corrupt).Skip(1));

        var lost = new Transcript().S("* OK ready\r\n").C("a1 COMPRESS DEFLATE\r\n").S("a1 OK go\r\n")
            .Gap(Direction.ClientToServer).C(new Deflater().Next("a2 LOGIN bob hunter2\r\n"));
        Assert.Equal(["ProtocolAnomalyEvent { Direction = ClientToServer, Name = compression-lost, Detail = bytes lost }"],
            TranscriptFeeder.Whole(Imap, lost).Skip(1));

        var unknown = new Transcript().S("* OK ready\r\n").C("a1 COMPRESS X-LZ4\r\n").S("a1 OK go\r\n").C("a2 LOGIN bob hunter2\r\n");
        Assert.Equal(
        [
            "ProtocolAnomalyEvent { Direction = ClientToServer, Name = compression-lost, Detail = not DEFLATE }",
            "ProtocolAnomalyEvent { Direction = ServerToClient, Name = compression-lost, Detail = not DEFLATE }",
        ], TranscriptFeeder.Whole(Imap, unknown).Skip(1));
    }

    [Fact]
    public void Inflaters_are_reserved_from_the_budget_and_given_back()
    {
        var budget = new BufferBudget(1 << 20);
        var parser = new ImapSessionParser(budget: budget);
        var sink = new MailEventList();
        parser.Feed(Direction.ServerToClient, "* OK ready\r\n"u8, sink);
        parser.Feed(Direction.ClientToServer, "a1 COMPRESS DEFLATE\r\n"u8, sink);
        parser.Feed(Direction.ServerToClient, "a1 OK go\r\n"u8, sink);
        Assert.Equal(2 * StreamInflater.ReservedBytes, budget.ReservedBytes);
        parser.End(sink);
        parser.ReleaseBuffers();
        Assert.Equal(0, budget.ReservedBytes);

        var small = new ImapSessionParser(budget: new BufferBudget(StreamInflater.ReservedBytes - 1));
        var refused = new MailEventList();
        small.Feed(Direction.ClientToServer, "a1 COMPRESS DEFLATE\r\n"u8, refused);
        small.Feed(Direction.ServerToClient, "a1 OK go\r\n"u8, refused);
        Assert.Equal(2, refused.OfType<ProtocolAnomalyEvent>().Count(a => a.Detail == "over the buffer budget"));
    }

    /// <summary>One side's compressor, flushed after each command as RFC 4978 §4 asks.</summary>
    private sealed class Deflater
    {
        private readonly MemoryStream _out = new();
        private readonly DeflateStream _deflate;

        public Deflater() => _deflate = new DeflateStream(_out, CompressionLevel.Optimal, leaveOpen: true);

        public byte[] Next(string text)
        {
            long start = _out.Length;
            _deflate.Write(Encoding.ASCII.GetBytes(text));
            _deflate.Flush();
            return _out.ToArray()[(int)start..];
        }
    }
}
