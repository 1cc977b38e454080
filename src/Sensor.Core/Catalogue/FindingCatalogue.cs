using Sensor.Core.Detection;
using Sensor.Core.Protocols;
using static Sensor.Core.Catalogue.EvidenceKeys;

namespace Sensor.Core.Catalogue;

/// <summary>One confidence a finding can carry, and when.</summary>
public sealed record ConfidenceCase(double Value, string When);

/// <summary>
/// One finding kind and variant (null: the kind has none): what it means, its default severity
/// (rules/default.yaml may change it), the confidences it is made with, and its evidence keys.
/// </summary>
public sealed record FindingEntry(string Kind, string? Variant, Severity Severity, string Description,
    IReadOnlyList<ConfidenceCase> Confidence, IReadOnlyList<string> Evidence)
{
    public string Name => Variant is null ? Kind : $"{Kind}/{Variant}";
}

/// <summary>A finding kind and what it means.</summary>
public sealed record FindingKindEntry(string Kind, string Description);

/// <summary>
/// The confidences findings are made with: the judges use these, the catalogue documents them. A
/// finding of what the bytes themselves show is certain; the STARTTLS verdicts weigh how far the
/// wire alone can tell a box on the path from the server's own doing.
/// </summary>
public static class Confidences
{
    public const double Certain = 1.0;
    public const double Mangled = 0.95;
    public const double MangledCommandOffered = 0.9;
    public const double MangledCommandNotOffered = 0.75;
    public const double Injected = 0.9;
    public const double RemovedKnown = 0.8;
    public const double NotCompletedPlaintext = 0.8;
    public const double RemovedMaskedBanner = 0.7;
    public const double Rejected = 0.7;
    public const double NotCompleted = 0.6;
    public const double NotShownToClient = 0.6;
    public const double Absent = 0.5;
    public const double NotCompletedLegacyClient = 0.3;
    public const double DnsDenied = 0.8;
    public const double DnsRecordMissing = 0.8;
    public const double DnsNoAnswer = 0.5;
    public const double DnsAddressesDiffer = 0.4;
}

/// <summary>
/// Every finding kind and variant the sensor raises, in one place: docs/findings.md is generated
/// from it (scripts/generate-docs.sh) and a test fails when a record carries a name not in it. A new
/// variant is one entry in <see cref="Entries"/>.
/// </summary>
public static class FindingCatalogue
{
    public static readonly IReadOnlyList<FindingKindEntry> Kinds =
    [
        new(FindingKinds.PlaintextCredential, "a reusable secret (password, bearer token) crossed the wire in the clear"),
        new(FindingKinds.CrackableCredential, "a challenge/response an observer can attack offline crossed the wire in the clear"),
        new(FindingKinds.StartTlsStripped, "STARTTLS/STLS was taken away, refused or broken on the path"),
        new(FindingKinds.StartTlsAbsent, "the server offered no STARTTLS/STLS and nothing known says it should have"),
        new(FindingKinds.TlsWeak, "a weak TLS handshake was negotiated after STARTTLS (RFC 8996, RFC 7465)"),
        new(FindingKinds.TlsCertificateMismatch, "reserved for rule files; a certificate that differs from the server's elsewhere is reported by the verdict record (certificate-substituted)"),
        new(FindingKinds.CleartextMail, "a message (DATA or BDAT) was sent to an SMTP server without TLS"),
        new(FindingKinds.DnsTampering, "a mail name's DNS answer here differs from the same lookup at a control vantage (an agent, a SOCKS proxy): made by `probe` and `fieldtest`, from DNS answers, not from a mail session, so its session, client and source fields are empty"),
    ];

    private static readonly ConfidenceCase[] CertainOnly = [new(Confidences.Certain, "always: the bytes were on the wire")];
    private static readonly string[] CredentialEvidence = [User, UserBase64, Mechanism, Accepted, Secret, SecretBase64, SecretFingerprint, Pcap];

    public static readonly IReadOnlyList<FindingEntry> Entries =
    [
        .. CredentialEntries(),
        new(FindingKinds.StartTlsStripped, StripVariants.Removed, Severity.High,
            "the server offered no STARTTLS/STLS in its own mail session, but is known to offer it",
            [
                new(Confidences.RemovedKnown, "known from the policy, another session of the same server, the store of earlier runs, or a probe"),
                new(Confidences.RemovedMaskedBanner, "the greeting was masked by an inspecting middlebox (220 *****, Cisco MailGuard)"),
            ],
            [KnownFrom, Banner, Pcap]),
        new(FindingKinds.StartTlsStripped, StripVariants.Mangled, Severity.High,
            "a capability word stands where STARTTLS/STLS belongs, overwritten on the path (XXXXXXXA, Cisco inspect esmtp); or the client's STARTTLS/STLS reached the server as an unknown command matching a mangling rule (evidence command, direction client, offered)",
            [
                new(Confidences.Mangled, "the server's capability word was overwritten: the overwrite is in the bytes"),
                new(Confidences.MangledCommandOffered, "the client's command was overwritten and the server offered STARTTLS/STLS in its own mail session"),
                new(Confidences.MangledCommandNotOffered, "the client's command was overwritten and the server did not offer STARTTLS/STLS in its own mail session"),
            ],
            [Capability, Command, Direction, Offered, Pcap]),
        new(FindingKinds.StartTlsStripped, StripVariants.Rejected, Severity.High,
            "STARTTLS/STLS was refused (454, 5xx, NO, -ERR, or 200 from a stripping proxy) by a server that offered it or is known to",
            [new(Confidences.Rejected, "always: the server itself may refuse for a reason of its own")],
            [Reply, KnownFrom, Pcap]),
        new(FindingKinds.StartTlsStripped, StripVariants.NotCompleted, Severity.Medium,
            "STARTTLS/STLS was accepted but no TLS handshake completed, and no TLS answer came from the server",
            [
                new(Confidences.NotCompletedPlaintext, "the session went on in plaintext after the acceptance"),
                new(Confidences.NotCompleted, "no handshake completed"),
                new(Confidences.NotCompletedLegacyClient, "no handshake completed and the client offered only TLS 1.1 or older, which servers refuse by closing"),
            ],
            [Reply, ClientVersions, Pcap]),
        new(FindingKinds.StartTlsStripped, StripVariants.Injected, Severity.High,
            "plaintext crossed after STARTTLS and before the TLS handshake (CVE-2011-0411 class command or response injection)",
            [new(Confidences.Injected, "always")],
            [Direction, Bytes, FirstWord, Pcap]),
        new(FindingKinds.StartTlsStripped, StripVariants.InjectedReply, Severity.High,
            "two versions of the same server reply bytes crossed (a TCP overlap with different bytes), one offering or accepting STARTTLS/STLS and one not: a reply injected on the path; believed says which one the client acted on",
            [new(Confidences.Injected, "always: both versions are in the bytes")],
            [First, FirstStance, Second, SecondStance, Believed, Pcap]),
        new(FindingKinds.StartTlsStripped, StripVariants.NotShownToClient, Severity.High,
            "seen from the server's side: the server offered STARTTLS/STLS, the same client used it with this server in an earlier session, and now sent credentials in the clear without trying: the offer was most likely removed on the client's side of the path",
            [new(Confidences.NotShownToClient, "always: the client may have been told to skip TLS")],
            [EarlierSession, KnownFrom, Pcap]),
        new(FindingKinds.StartTlsAbsent, null, Severity.Low,
            "the server offered no STARTTLS/STLS and nothing known says it should: a server that lacks it, or a strip not yet provable",
            [new(Confidences.Absent, "always: judged at the end of a replay, or at the capability list live")],
            [Capabilities, Pcap]),
        .. WeakTlsEntries(),
        new(FindingKinds.CleartextMail, null, Severity.Medium,
            "messages were sent to an SMTP server without TLS",
            CertainOnly,
            [Messages, Bytes, Pcap]),
        .. DnsTamperingEntries(),
    ];

    private static IEnumerable<FindingEntry> DnsTamperingEntries()
    {
        var published = new ConfidenceCase(Confidences.DnsRecordMissing, "always: records can be published between the two lookups");
        (string Variant, Severity Severity, string What, ConfidenceCase Confidence)[] differences =
        [
            (DnsTamperingVariants.NxDomain, Severity.High,
                "here the resolver says the name does not exist (NXDOMAIN, or no address), while the control vantage resolves it: mail from here cannot reach the server, or is sent elsewhere",
                new(Confidences.DnsDenied, "always: a name can be withdrawn between the two lookups, or exist only in one view of a split-horizon zone")),
            (DnsTamperingVariants.NoAnswer, Severity.Medium,
                "here the lookup gets no usable answer (SERVFAIL, REFUSED, a timeout), while the control vantage resolves the name",
                new(Confidences.DnsNoAnswer, "always: resolvers also fail on their own")),
            (DnsTamperingVariants.Addresses, Severity.Medium,
                "here and at the control vantage the host resolves to addresses with none in common: a redirect, or (often) geographic DNS and anycast",
                new(Confidences.DnsAddressesDiffer, "always: large mail providers answer by location")),
            (DnsTamperingVariants.Tlsa, Severity.High,
                "the control vantage sees TLSA records for the server that here does not: a DANE sender here would not insist on authenticated TLS (RFC 7672 §2.2)",
                published),
            (DnsTamperingVariants.MtaSts, Severity.High,
                "the control vantage sees the domain's _mta-sts TXT record that here does not: a sender here without a cached policy would not enforce MTA-STS (RFC 8461 §3)",
                published),
        ];
        foreach (var (variant, severity, what, confidence) in differences)
            yield return new FindingEntry(FindingKinds.DnsTampering, variant, severity, what, [confidence], [Name, RecordType, Here, There, Vantage]);
    }

    private static IEnumerable<FindingEntry> CredentialEntries()
    {
        foreach (var (variant, kind, what) in CredentialVariants.All())
        {
            bool reusable = kind == CredentialKind.Reusable;
            yield return new FindingEntry(
                reusable ? FindingKinds.PlaintextCredential : FindingKinds.CrackableCredential, variant,
                reusable ? Severity.High : Severity.Medium, what, CertainOnly, CredentialEvidence);
        }
    }

    private static IEnumerable<FindingEntry> WeakTlsEntries()
    {
        (string Variant, string What)[] weak =
        [
            (WeakTlsVariants.Sslv2, "SSL 2.0 negotiated (RFC 6176 prohibits it)"),
            (WeakTlsVariants.Sslv3, "SSL 3.0 negotiated (RFC 7568 deprecates it)"),
            (WeakTlsVariants.Tls10, "TLS 1.0 negotiated (RFC 8996 deprecates it)"),
            (WeakTlsVariants.Tls11, "TLS 1.1 negotiated (RFC 8996 deprecates it)"),
            (WeakTlsVariants.Rc4, "an RC4 cipher suite negotiated (RFC 7465 prohibits it)"),
            (WeakTlsVariants.Export, "an export-grade cipher suite negotiated"),
            (WeakTlsVariants.AnonDh, "an anonymous Diffie-Hellman suite negotiated: no server authentication"),
            (WeakTlsVariants.Null, "a NULL cipher suite negotiated: no encryption"),
        ];
        foreach (var (variant, what) in weak)
            yield return new FindingEntry(FindingKinds.TlsWeak, variant, Severity.Medium, what, CertainOnly, [TlsVersion, TlsCipher, Pcap]);
    }

    private static readonly Dictionary<(string, string?), FindingEntry> ByName = Entries.ToDictionary(e => (e.Kind, e.Variant));

    public static FindingEntry? Find(string kind, string? variant) => ByName.GetValueOrDefault((kind, variant));

    public static bool IsKind(string kind) => Kinds.Any(k => k.Kind == kind);
}
