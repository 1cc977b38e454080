using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols;

/// <summary>
/// What a protocol parser saw. Parsers raise these; sessions and detectors decide what they mean.
/// Text taken from the wire is escaped and truncated (<see cref="WireText"/>) before it is put here.
/// </summary>
public abstract record MailEvent;

/// <summary>The server's first reply. ServerName is the host name an SMTP server gives after 220, when it gives one.</summary>
public sealed record GreetingEvent(string Banner, string? ServerName) : MailEvent;

/// <summary>The client's EHLO/HELO (SMTP) or nothing for IMAP/POP3.</summary>
public sealed record HeloEvent(string Verb, string ClientName) : MailEvent;

public enum CapabilitySource : byte { Ehlo, ImapGreeting, ImapCapability, Pop3Capa }

/// <summary>
/// A capability list as sent. SMTP: each EHLO reply line after the first, e.g. "AUTH PLAIN LOGIN",
/// "STARTTLS", "XXXXXXXA". IMAP: each atom. POP3: each CAPA line.
/// </summary>
public sealed record CapabilitiesEvent(IReadOnlyList<string> Capabilities, CapabilitySource Source) : MailEvent;

/// <summary>
/// A client command whose verb the protocol does not know (escaped). Detectors match it against the
/// mangling rules: a box that overwrites the client's STARTTLS on the way (Cisco's XXXXXXXA) leaves
/// exactly this on the server's side of the path.
/// </summary>
public sealed record UnknownCommandEvent(string Verb) : MailEvent;

/// <summary>The client asked to upgrade: SMTP/IMAP STARTTLS, POP3 STLS.</summary>
public sealed record StartTlsCommandEvent : MailEvent;

/// <summary>The server's answer to STARTTLS/STLS. Status is the reply code or word: "220", "454", "OK", "NO", "BAD", "+OK", "-ERR".</summary>
public sealed record StartTlsReplyEvent(bool Accepted, string Status, string Text) : MailEvent;

/// <summary>
/// Plaintext that crossed after STARTTLS and before the TLS handshake (CVE-2011-0411 class):
/// client bytes pipelined behind the STARTTLS command, or server bytes behind its go-ahead.
/// </summary>
public sealed record InjectedBytesEvent(Direction Direction, int Length, string Preview) : MailEvent;

/// <summary>The upgrade was accepted but the next client bytes were not TLS; parsing goes on in plaintext.</summary>
public sealed record TlsNotStartedEvent(Direction Direction, string Preview) : MailEvent;

public enum CredentialKind : byte
{
    /// <summary>A reusable secret (password, bearer token) crossed in the clear.</summary>
    Reusable,
    /// <summary>A challenge/response an observer can attack offline (CRAM-MD5, APOP, DIGEST-MD5, SCRAM, NTLM).</summary>
    Crackable,
}

/// <summary>
/// A credential seen in the clear. Variant is one of <see cref="CredentialVariants"/> ("smtp-auth-plain",
/// "imap-login", "pop3-user-pass", "smtp-auth-cram-md5", "pop3-apop", ...). User and Secret are the
/// exact text that crossed (<see cref="ExactText"/>: UTF-8 decoded, not escaped); when the bytes were
/// not valid UTF-8, UserBase64 / SecretBase64 hold them and the text is an escaped rendering.
/// Secret holds the raw material (password, token, or challenge and response) and must be redacted
/// by every sink unless secrets were asked for; so must SecretBase64.
/// </summary>
public sealed record CredentialEvent(string Mechanism, string Variant, CredentialKind Kind, string? User, string? Secret,
    string? UserBase64 = null, string? SecretBase64 = null) : MailEvent
{
    public static CredentialEvent Of(string mechanism, string variant, CredentialKind kind, ExactText? user, ExactText? secret) =>
        new(mechanism, variant, kind, user?.Text, secret?.Text, user?.Base64, secret?.Base64);

    /// <summary>The bytes are named only when there are any: nearly every credential is UTF-8.</summary>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Mechanism = {Mechanism}, Variant = {Variant}, Kind = {Kind}, User = {User}, Secret = {Secret}");
        if (UserBase64 is not null)
            builder.Append($", UserBase64 = {UserBase64}");
        if (SecretBase64 is not null)
            builder.Append($", SecretBase64 = {SecretBase64}");
        return true;
    }
}

/// <summary>The server's verdict on an authentication exchange.</summary>
public sealed record AuthResultEvent(bool Success, string Status) : MailEvent;

/// <summary>A mail transaction was started (SMTP MAIL FROM).</summary>
public sealed record MailTransactionEvent : MailEvent;

/// <summary>A whole message crossed: SMTP DATA ended by ".", or BDAT ... LAST. Bytes counts the body.</summary>
public sealed record MessageEvent(long Bytes, int Recipients) : MailEvent;

public sealed record TlsClientHelloEvent(string? ServerNameIndication, IReadOnlyList<string> OfferedVersions, IReadOnlyList<ushort> CipherSuites) : MailEvent;

/// <summary>Version is "SSLv3", "TLSv1.0" .. "TLSv1.3" (supported_versions honoured); CipherName the IANA name when known, else "0xNNNN".</summary>
public sealed record TlsServerHelloEvent(string Version, ushort CipherSuite, string CipherName) : MailEvent;

/// <summary>The server's leaf certificate (TLS 1.2 and older send it in the clear).</summary>
public sealed record TlsCertificateEvent(string Sha256, string Subject, string Issuer, DateTime NotBefore, DateTime NotAfter) : MailEvent;

/// <summary>
/// The first ChangeCipherSpec (20) or the first application-data record (23) of a direction, seen
/// by its header only. They tell that the handshake finished: in TLS ≤1.2 each side sends CCS just
/// before its Finished (RFC 5246 §7.1); in TLS 1.3 the client's flight after the ServerHello (its
/// Finished) goes in application-data records (RFC 8446 §5.2), which a client that gives up never sends.
/// </summary>
public sealed record TlsRecordEvent(Direction Direction, byte ContentType) : MailEvent;

public sealed record TlsAlertEvent(Direction Direction, byte Level, byte Description) : MailEvent;

/// <summary>Hostile or broken input, named; the parser carries on. Names are stable kebab-case words.</summary>
public sealed record ProtocolAnomalyEvent(Direction Direction, string Name, string Detail) : MailEvent;
