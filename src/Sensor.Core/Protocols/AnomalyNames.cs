namespace Sensor.Core.Protocols;

/// <summary>The closed set of <see cref="ProtocolAnomalyEvent"/> names the parsers raise (stable kebab-case).</summary>
public static class AnomalyNames
{
    /// <summary>An SMTP multi-line reply ended by a line with another code (RFC 5321 §4.2.1: one code on every line): the open reply was cut short there.</summary>
    public const string UnterminatedReply = "unterminated-reply";
    /// <summary>A line crossed its cap and was discarded up to the next LF.</summary>
    public const string LineTooLong = "line-too-long";
    /// <summary>Bytes were lost (or the session was picked up mid-stream); parsing resumed at a line start.</summary>
    public const string GapResync = "gap-resync";
    /// <summary>A SASL message was not valid base64 (RFC 4954 §4 requires it).</summary>
    public const string BadBase64 = "bad-base64";
    /// <summary>A decoded SASL message did not have the mechanism's shape (e.g. PLAIN without two NULs, RFC 4616 §2).</summary>
    public const string BadSaslMessage = "bad-sasl-message";
    /// <summary>An SMTP reply line without a 3-digit code (RFC 5321 §4.2), a POP3 line without +OK/-ERR, an IMAP line without a tag.</summary>
    public const string MalformedReply = "malformed-reply";
    /// <summary>A command line the parser could not read (e.g. AUTH without a mechanism, LOGIN without a password).</summary>
    public const string MalformedCommand = "malformed-command";
    /// <summary>IMAP PREAUTH greeting (RFC 3501 §7.1.4): the session is authenticated without TLS, so STARTTLS can never happen (Poddebniak et al. 2021).</summary>
    public const string PreauthGreeting = "preauth-greeting";
    /// <summary>An IMAP literal count that is not a number or absurdly large.</summary>
    public const string BadLiteral = "bad-literal";
    /// <summary>A literal larger than the buffering cap: it was skipped by counting, its content not read.</summary>
    public const string LiteralTooLarge = "literal-too-large";
    /// <summary>BDAT without a valid chunk size (RFC 3030 §2).</summary>
    public const string BadBdat = "bad-bdat";
    /// <summary>More commands waiting for replies than the cap allows; the oldest was dropped.</summary>
    public const string TooManyPending = "too-many-pending";
    /// <summary>A TLS record header that is not TLS (RFC 8446 §5.1): the direction stops being parsed.</summary>
    public const string TlsBadRecord = "tls-bad-record";
    /// <summary>A handshake message crossed the reassembly cap.</summary>
    public const string TlsHandshakeTooLarge = "tls-handshake-too-large";
    /// <summary>A ClientHello/ServerHello/Certificate whose fields overrun their message.</summary>
    public const string TlsMalformedHandshake = "tls-malformed-handshake";
    /// <summary>A certificate whose DER could not be decoded.</summary>
    public const string TlsBadCertificate = "tls-bad-certificate";
    /// <summary>An SSLv2-compatible ClientHello (RFC 6176 prohibits SSLv2); not decoded further.</summary>
    public const string Sslv2Hello = "sslv2-client-hello";
    /// <summary>A compressed stream (IMAP COMPRESS, RFC 4978) that could not be inflated: bytes lost, corrupt data, an unknown mechanism, or no budget left. The direction stops being parsed.</summary>
    public const string CompressionLost = "compression-lost";
    /// <summary>The client's first line is no command of the protocol (an HTTP request to port 25, a STARTTLS line in its body): the client's bytes are not read.</summary>
    public const string NotMailClient = "not-mail-client";
    /// <summary>The server's first line is no greeting or reply of the protocol: nothing of the flow is read.</summary>
    public const string NotMailServer = "not-mail-server";
    /// <summary>A bug: the parser threw. The exception type is in the detail; the parser resets and carries on.</summary>
    public const string ParserFault = "parser-fault";
}
