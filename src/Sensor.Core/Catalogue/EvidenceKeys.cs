namespace Sensor.Core.Catalogue;

/// <summary>The JSON type of an evidence value; a key has one type in every finding that carries it.</summary>
public enum EvidenceType : byte { String, Integer, Boolean }

/// <summary>One evidence key: its type, whether it may be null, and what it holds.</summary>
public sealed record EvidenceKey(string Name, EvidenceType Type, bool Nullable, string Description)
{
    public string TypeName => Type switch
    {
        EvidenceType.Integer => "integer",
        EvidenceType.Boolean => "boolean",
        _ => "string",
    } + (Nullable ? " or null" : "");

    /// <summary>True when <paramref name="value"/> (as a finding holds it) has this key's type.</summary>
    public bool Accepts(object? value) => value switch
    {
        null => Nullable,
        string => Type == EvidenceType.String,
        long or int => Type == EvidenceType.Integer,
        bool => Type == EvidenceType.Boolean,
        _ => false,
    };
}

/// <summary>Every key a finding's evidence can carry, one type each (findings.md lists them by finding).</summary>
public static class EvidenceKeys
{
    public const string User = "user";
    public const string Mechanism = "mechanism";
    public const string Accepted = "accepted";
    public const string Secret = "secret";
    public const string SecretFingerprint = "secret_fingerprint";
    public const string KnownFrom = "known_from";
    public const string Banner = "banner";
    public const string Capability = "capability";
    public const string Capabilities = "capabilities";
    public const string Reply = "reply";
    public const string ClientVersions = "client_versions";
    public const string Direction = "direction";
    public const string Bytes = "bytes";
    public const string FirstWord = "first_word";
    public const string Messages = "messages";
    public const string TlsVersion = "tls_version";
    public const string TlsCipher = "tls_cipher";
    public const string Pcap = "pcap";
    public const string UserBase64 = "user_base64";
    public const string SecretBase64 = "secret_base64";
    public const string Command = "command";
    public const string Offered = "offered";
    public const string EarlierSession = "earlier_session";
    public const string First = "first";
    public const string FirstStance = "first_stance";
    public const string Second = "second";
    public const string SecondStance = "second_stance";
    public const string Believed = "believed";
    public const string Name = "name";
    public const string RecordType = "record_type";
    public const string Here = "here";
    public const string There = "there";
    public const string Vantage = "vantage";

    public static readonly IReadOnlyList<EvidenceKey> All =
    [
        new(User, EvidenceType.String, true, "the user name the client sent (escaped, truncated); null when the exchange named nobody"),
        new(Mechanism, EvidenceType.String, false, "the command or SASL mechanism, upper case: PLAIN, LOGIN, USER, APOP, CRAM-MD5, ..."),
        new(Accepted, EvidenceType.Boolean, true, "the server's answer to the credential: true, false, or null when no answer was seen"),
        new(Secret, EvidenceType.String, false, "\"redacted\"; the password, token or challenge/response material only with --show-secrets"),
        new(SecretFingerprint, EvidenceType.String, false, "a keyed HMAC-SHA-256 of the secret (per installation key): tells repeats apart without revealing it"),
        new(KnownFrom, EvidenceType.String, false, "why the server is known to offer STARTTLS: the policy entry, another session of the capture (its id), the store (the id of the run that saw the offer), a probe (its vantage and time), or a masked banner"),
        new(Banner, EvidenceType.String, false, "the server's greeting as seen"),
        new(Capability, EvidenceType.String, false, "the capability word that stands where STARTTLS/STLS belongs"),
        new(Capabilities, EvidenceType.String, false, "the capabilities the server advertised in the clear, space-separated"),
        new(Reply, EvidenceType.String, false, "the server's reply to STARTTLS/STLS: status, then text when refused"),
        new(ClientVersions, EvidenceType.String, false, "the TLS versions the client's first ClientHello offered, space-separated"),
        new(Direction, EvidenceType.String, false, "who sent the plaintext after STARTTLS (injected), or whose command was overwritten (mangled): client or server"),
        new(Bytes, EvidenceType.Integer, false, "a byte count: of the injected plaintext, or of the messages sent in the clear"),
        new(FirstWord, EvidenceType.String, false, "the first word of the injected plaintext (the rest may be a credential)"),
        new(Messages, EvidenceType.Integer, false, "messages (DATA or BDAT) sent in the clear"),
        new(TlsVersion, EvidenceType.String, true, "the negotiated TLS version: SSLv3, TLSv1.0, ..."),
        new(TlsCipher, EvidenceType.String, true, "the negotiated cipher suite's IANA name"),
        new(Pcap, EvidenceType.String, false, "live with --evidence: the path of the pcap holding the session's packets (a replay names it in an evidence record)"),
        new(UserBase64, EvidenceType.String, false, "only when the user name's bytes were not UTF-8: those bytes, base64 (user is then an escaped rendering)"),
        new(SecretBase64, EvidenceType.String, false, "only with --show-secrets and when the secret's bytes were not UTF-8: those bytes, base64"),
        new(Command, EvidenceType.String, false, "the unknown command verb the server received where STARTTLS/STLS belongs (XXXXXXXA)"),
        new(Offered, EvidenceType.Boolean, false, "whether the server offered STARTTLS/STLS in its own mail session"),
        new(EarlierSession, EvidenceType.String, false, "the id of the earlier session in which the same client used STARTTLS/STLS with this server"),
        new(First, EvidenceType.String, false, "the version of the raced reply that was kept (read first), escaped"),
        new(FirstStance, EvidenceType.String, false, "what the first version says of the upgrade: offered, not-offered, accepted or refused"),
        new(Second, EvidenceType.String, false, "the other version of the raced reply, escaped"),
        new(SecondStance, EvidenceType.String, false, "what the second version says of the upgrade: offered, not-offered, accepted or refused"),
        new(Believed, EvidenceType.String, false, "which version the client acted on: first, second, or unknown"),
        new(Name, EvidenceType.String, false, "the DNS name looked up"),
        new(RecordType, EvidenceType.String, false, "what was looked up: MX, A/AAAA, TLSA or TXT"),
        new(Here, EvidenceType.String, false, "what the lookup gave here: the addresses, or the failure with the resolver's address"),
        new(There, EvidenceType.String, false, "what the same lookup gave at the control vantage"),
        new(Vantage, EvidenceType.String, false, "the control vantage whose answer differs: an agent's name or a SOCKS proxy's URL"),
    ];

    private static readonly Dictionary<string, EvidenceKey> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static EvidenceKey? Find(string name) => ByName.GetValueOrDefault(name);
}
