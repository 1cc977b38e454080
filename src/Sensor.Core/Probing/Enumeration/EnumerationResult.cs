namespace Sensor.Core.Probing.Enumeration;

/// <summary>Something the enumeration did not settle, and why.</summary>
public sealed record NotTested(string What, string Why);

/// <summary>One ClientHello sent and what came back: "server-hello", "alert", "closed", "timeout", "garbage", "no-tls".</summary>
public sealed record EnumerationAttempt(string Test, string Answer, string? Version, string? Cipher, string? Detail);

/// <summary>
/// What a server accepts, from one hand-written ClientHello per version and per cipher class.
/// Accepted: a ServerHello choosing that version (a suite of that class). Rejected: an alert, a close,
/// or a ServerHello choosing another version. Anything else (timeout, bytes that are not TLS, no TLS
/// reached) is neither: it is listed in <see cref="NotTested"/> with the reason.
/// </summary>
public sealed class EnumerationResult
{
    /// <summary>What this enumeration never asks about, whatever the server.</summary>
    public static readonly IReadOnlyList<NotTested> AlwaysNotTested =
    [
        new("SSLv2", "needs an SSLv2-format ClientHello, which is not built"),
        new("key exchange sizes", "DH group and curve sizes are not enumerated: the key exchange score comes from the negotiated handshake (its size assumed as the probe says)"),
        new("single suites", "one ClientHello per class: a class counts as accepted when the server picks any of its suites; the bits are those of the suite it picked"),
        new("TLS 1.3 suites", "TLS 1.3 is asked with its three suites together; its suites are all AEAD"),
    ];

    public List<string> Versions { get; } = [];
    public List<string> RejectedVersions { get; } = [];
    public List<string> CipherClasses { get; } = [];
    public List<string> RejectedCipherClasses { get; } = [];
    public List<NotTested> NotTested { get; } = [.. AlwaysNotTested];
    public List<EnumerationAttempt> Attempts { get; } = [];

    /// <summary>The suite the server picked for each accepted class.</summary>
    public Dictionary<string, string> ClassSuites { get; } = new(StringComparer.Ordinal);

    public bool AnonymousAccepted => CipherClasses.Contains(Enumeration.CipherClasses.Anon);
}
