namespace Sensor.Core.Protocols;

/// <summary>
/// The closed set of anomaly names a session can carry (stable kebab-case), raised by the parsers
/// (<see cref="ProtocolAnomalyEvent"/>), the session builder and the reassembly. What each means,
/// with its RFC, is in the catalogue (Catalogue/AnomalyCatalogue.cs, docs/anomalies.md): a new name
/// goes here and there, and the catalogue test fails until it does.
/// </summary>
public static class AnomalyNames
{
    // Parsers
    public const string UnterminatedReply = "unterminated-reply";
    public const string LineTooLong = "line-too-long";
    public const string GapResync = "gap-resync";
    public const string BadBase64 = "bad-base64";
    public const string BadSaslMessage = "bad-sasl-message";
    public const string MalformedReply = "malformed-reply";
    public const string MalformedCommand = "malformed-command";
    public const string PreauthGreeting = "preauth-greeting";
    public const string BadLiteral = "bad-literal";
    public const string LiteralTooLarge = "literal-too-large";
    public const string BadBdat = "bad-bdat";
    public const string TooManyPending = "too-many-pending";
    public const string TlsBadRecord = "tls-bad-record";
    public const string TlsHandshakeTooLarge = "tls-handshake-too-large";
    public const string TlsMalformedHandshake = "tls-malformed-handshake";
    public const string TlsBadCertificate = "tls-bad-certificate";
    public const string Sslv2Hello = "sslv2-client-hello";
    public const string CompressionLost = "compression-lost";
    public const string NotMailClient = "not-mail-client";
    public const string NotMailServer = "not-mail-server";
    public const string ParserFault = "parser-fault";

    // Sessions
    public const string PlaintextAfterStartTls = "plaintext-after-starttls";
    /// <summary>Followed by the alert's level and description numbers (RFC 8446 §6): "tls-alert-2-40".</summary>
    public const string TlsAlertPrefix = "tls-alert-";
    public const string FlowEvicted = "flow-evicted";
    public const string AnomaliesTruncated = "anomalies-truncated";

    // Reassembly, each with the side it happened on: "-client" or "-server" (<see cref="Sided"/>)
    public const string Gap = "gap";
    public const string OverlapConflict = "overlap-conflict";
    public const string FlowBufferCap = "flow-buffer-cap";
    public const string GlobalBufferCap = "global-buffer-cap";
    public const string FlowTableFull = "flow-table-full";
    public const string IpFragmentOverlapConflict = "ip-fragment-overlap-conflict";
    public const string IpFragmentOversize = "ip-fragment-oversize";
    public const string ResetIgnored = "reset-ignored";
    public const string BadChecksum = "bad-checksum";
    public const string UrgentData = "urgent-data";
    public const string OtherReassembly = "reassembly-anomaly";

    public const string ClientSide = "-client";
    public const string ServerSide = "-server";

    public static string Sided(string name, bool client) => name + (client ? ClientSide : ServerSide);

    public static string TlsAlert(byte level, byte description) => $"{TlsAlertPrefix}{level}-{description}";
}
