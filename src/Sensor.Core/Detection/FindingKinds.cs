namespace Sensor.Core.Detection;

/// <summary>The stable finding kind names; what each means is in the catalogue (Catalogue/FindingCatalogue.cs, docs/findings.md).</summary>
public static class FindingKinds
{
    public const string PlaintextCredential = "plaintext-credential";
    public const string CrackableCredential = "crackable-credential";
    public const string StartTlsStripped = "starttls-stripped";
    public const string StartTlsAbsent = "starttls-absent";
    public const string TlsWeak = "tls-weak";
    public const string TlsCertificateMismatch = "tls-certificate-mismatch";
    public const string CleartextMail = "cleartext-mail";
    public const string DnsTampering = "dns-tampering";
}

/// <summary>Variants of dns-tampering: how a lookup here differs from the same lookup at a control vantage.</summary>
public static class DnsTamperingVariants
{
    /// <summary>Here the name does not exist (NXDOMAIN, or no address); there it resolves.</summary>
    public const string NxDomain = "nxdomain";
    /// <summary>Here the lookup got no usable answer (SERVFAIL, REFUSED, a timeout); there it resolves.</summary>
    public const string NoAnswer = "no-answer";
    /// <summary>Both resolve the name, to addresses that have none in common.</summary>
    public const string Addresses = "addresses";
    /// <summary>There a TLSA record exists for the server; here none.</summary>
    public const string Tlsa = "tlsa";
    /// <summary>There the domain's _mta-sts TXT record exists; here none.</summary>
    public const string MtaSts = "mta-sts";
}

/// <summary>Variants of starttls-stripped.</summary>
public static class StripVariants
{
    public const string Removed = "removed";
    public const string Mangled = "mangled";
    public const string Rejected = "rejected";
    public const string NotCompleted = "not-completed";
    public const string Injected = "injected";

    /// <summary>
    /// Seen from the server's side: the server offered STARTTLS, the same client used it with this
    /// server before, and now sends credentials in the clear without trying: the offer was most
    /// likely removed on the client's side of the path, where this capture cannot see.
    /// </summary>
    public const string NotShownToClient = "not-shown-to-client";

    /// <summary>Two versions of one server reply on the wire, one offering (or accepting) the upgrade and one not: an injection race.</summary>
    public const string InjectedReply = "injected-reply";
}

/// <summary>Variants of tls-weak.</summary>
public static class WeakTlsVariants
{
    public const string Sslv2 = "sslv2";
    public const string Sslv3 = "sslv3";
    public const string Tls10 = "tls1.0";
    public const string Tls11 = "tls1.1";
    public const string Rc4 = "rc4";
    public const string Export = "export";
    public const string AnonDh = "anon-dh";
    public const string Null = "null";
}
