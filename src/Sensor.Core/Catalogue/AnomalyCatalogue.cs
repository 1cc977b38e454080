using System.Text.RegularExpressions;
using static Sensor.Core.Protocols.AnomalyNames;

namespace Sensor.Core.Catalogue;

/// <summary>Which part of the sensor raises an anomaly.</summary>
public enum AnomalyLayer : byte { Reassembly, Smtp, Imap, Pop3, Mail, Sasl, Tls, Session }

/// <summary>
/// One anomaly name a session record's <c>anomalies</c> list can hold, with what it means. A
/// <see cref="Pattern"/> entry stands for a family of names (the TLS alerts).
/// </summary>
public sealed record AnomalyEntry(string Name, AnomalyLayer Layer, string Description, Regex? Pattern = null)
{
    public bool Matches(string name) => Pattern?.IsMatch(name) ?? Name == name;
}

/// <summary>
/// Every anomaly name in one place: docs/anomalies.md is generated from it (scripts/generate-docs.sh)
/// and a test fails when a session from the captures or the fuzz corpus carries a name not in it.
/// A new name is a constant in Protocols/AnomalyNames.cs and one entry here.
/// </summary>
public static partial class AnomalyCatalogue
{
    public static readonly IReadOnlyList<AnomalyEntry> Entries =
    [
        .. Sided(Gap, "bytes of this side were never seen (lost by the capture, or the session was picked up mid-stream); parsing resumed after the hole"),
        .. Sided(OverlapConflict, "a retransmitted range carried different bytes than first seen; the first were kept (an evasion attempt or a broken middlebox)"),
        .. Sided(FlowBufferCap, "the per-flow reassembly buffer cap was crossed; out-of-order data held for this side was given up"),
        .. Sided(GlobalBufferCap, "the reassembly memory budget was crossed; this side's held data was given up"),
        .. Sided(FlowTableFull, "the flow table was full; this flow was evicted to make room"),
        .. Sided(IpFragmentOverlapConflict, "IP fragments of one of this side's datagrams overlapped with different bytes (RFC 5722, RFC 1858 §4): the receiver kept the first, or dropped the datagram"),
        .. Sided(IpFragmentOversize, "IP fragments of one of this side's datagrams added up to more than 65535 bytes: the datagram was dropped"),
        .. Sided(ResetIgnored, "a RST inside the window but not at the next expected sequence number: the receiver answers with a challenge ACK and carries on (RFC 5961 §3.2), so the flow does too; a blind reset attempt"),
        .. Sided(BadChecksum, "a segment with a bad TCP checksum in a direction whose segments carry good ones: the receiver drops it (RFC 9293 §3.1), and so does reassembly; what a forger in a hurry sends"),
        .. Sided(UrgentData, "an urgent byte was taken out of the stream, as the receiving stack does by default (Linux without SO_OOBINLINE, RFC 6093 §3): mail protocols have no use for urgent data, so it hides bytes from an observer"),
        .. Sided(OtherReassembly, "a reassembly event without a name of its own"),
        new(FlowEvicted, AnomalyLayer.Reassembly, "the flow was ended early to make room in the flow table; the session record holds what was seen until then"),
        new(UnterminatedReply, AnomalyLayer.Smtp, "a multi-line reply ended by a line with another code (RFC 5321 §4.2.1: one code on every line); the open reply was cut short there"),
        new(BadBdat, AnomalyLayer.Smtp, "BDAT without a valid chunk size (RFC 3030 §2)"),
        new(PreauthGreeting, AnomalyLayer.Imap, "PREAUTH greeting (RFC 3501 §7.1.4): authenticated without TLS, so STARTTLS can never happen (Poddebniak et al. 2021)"),
        new(BadLiteral, AnomalyLayer.Imap, "a literal count that is not a number or is absurdly large (RFC 3501 §4.3)"),
        new(LiteralTooLarge, AnomalyLayer.Imap, "a literal larger than the buffering cap: skipped by counting, its content not read"),
        new(CompressionLost, AnomalyLayer.Imap, "a COMPRESS=DEFLATE stream (RFC 4978) that could not be inflated: bytes lost, corrupt data, an unknown mechanism, or no budget left; the direction stops being parsed"),
        new(LineTooLong, AnomalyLayer.Mail, "a line crossed its cap and was discarded up to the next LF"),
        new(GapResync, AnomalyLayer.Mail, "bytes were lost (or the session was picked up mid-stream); parsing resumed at the next line that parses"),
        new(MalformedReply, AnomalyLayer.Mail, "a server line without its protocol's shape: an SMTP reply without a 3-digit code (RFC 5321 §4.2), a POP3 line without +OK/-ERR, an IMAP line without a tag"),
        new(MalformedCommand, AnomalyLayer.Mail, "a command line that could not be read (AUTH without a mechanism, LOGIN without a password)"),
        new(TooManyPending, AnomalyLayer.Mail, "more commands waiting for replies than the cap allows (SMTP and POP3 pipelining, IMAP tags); the oldest was dropped"),
        new(NotMailClient, AnomalyLayer.Mail, "the client's first line is no command of the protocol (an HTTP request to port 25, a STARTTLS line in its body): the client's bytes are not read"),
        new(NotMailServer, AnomalyLayer.Mail, "the server's first line is no greeting or reply of the protocol: nothing of the flow is read"),
        new(ParserFault, AnomalyLayer.Mail, "a bug: the parser threw; it was reset and carried on"),
        new(BadBase64, AnomalyLayer.Sasl, "a SASL message that is not valid base64 (RFC 4954 §4)"),
        new(BadSaslMessage, AnomalyLayer.Sasl, "a decoded SASL message without its mechanism's shape (PLAIN without two NULs, RFC 4616 §2)"),
        new(TlsBadRecord, AnomalyLayer.Tls, "a TLS record header that is not TLS (RFC 8446 §5.1): the direction stops being parsed"),
        new(TlsHandshakeTooLarge, AnomalyLayer.Tls, "a handshake message crossed the reassembly cap"),
        new(TlsMalformedHandshake, AnomalyLayer.Tls, "a ClientHello, ServerHello or Certificate whose fields overrun their message"),
        new(TlsBadCertificate, AnomalyLayer.Tls, "a certificate whose DER could not be decoded"),
        new(Sslv2Hello, AnomalyLayer.Tls, "an SSLv2-compatible ClientHello (RFC 6176 prohibits SSLv2); not decoded further"),
        new(TlsAlertPrefix + "<level>-<description>", AnomalyLayer.Tls,
            "a TLS alert crossed in the clear, with its level (1 warning, 2 fatal) and description number from the IANA TLS Alerts registry (RFC 8446 §6): tls-alert-2-40 is a fatal handshake_failure; a fatal one ends the handshake",
            TlsAlertName()),
        new(PlaintextAfterStartTls, AnomalyLayer.Session, "the server accepted STARTTLS/STLS but the next client bytes were not TLS; the session went on in plaintext"),
        new(AnomaliesTruncated, AnomalyLayer.Session, $"the session had more anomalies than its list keeps ({Sessions.MailSession.MaxAnomalies}); the rest were not recorded"),
    ];

    [GeneratedRegex(@"^tls-alert-[0-9]{1,3}-[0-9]{1,3}$")]
    private static partial Regex TlsAlertName();

    private static IEnumerable<AnomalyEntry> Sided(string name, string description)
    {
        yield return new AnomalyEntry(name + ClientSide, AnomalyLayer.Reassembly, $"client to server: {description}");
        yield return new AnomalyEntry(name + ServerSide, AnomalyLayer.Reassembly, $"server to client: {description}");
    }

    private static readonly HashSet<string> Exact = Entries.Where(e => e.Pattern is null).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);

    public static bool Contains(string name) => Exact.Contains(name) || Entries.Any(e => e.Pattern is not null && e.Matches(name));
}
