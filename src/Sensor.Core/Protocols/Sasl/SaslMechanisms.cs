namespace Sensor.Core.Protocols.Sasl;

/// <summary>A SASL mechanism whose credential the sensor reads, whether that credential is reusable or crackable, and where it is defined.</summary>
public sealed record SaslMechanism(string Name, CredentialKind Kind, string Reference);

/// <summary>The SASL mechanisms <see cref="SaslExchange"/> reads a credential from; any other yields none.</summary>
public static class SaslMechanisms
{
    /// <summary>The SCRAM family of the IANA SASL registry (RFC 5802, RFC 7677): a closed list, so every variant is known.</summary>
    public static readonly IReadOnlyList<string> Scram =
    [
        "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS",
        "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS", "SCRAM-SHA3-512", "SCRAM-SHA3-512-PLUS",
    ];

    public static readonly IReadOnlyList<SaslMechanism> Read =
    [
        new("PLAIN", CredentialKind.Reusable, "RFC 4616"),
        new("LOGIN", CredentialKind.Reusable, "draft-murchison-sasl-login"),
        new("XOAUTH2", CredentialKind.Reusable, "Google and Microsoft XOAUTH2: a bearer token"),
        new("OAUTHBEARER", CredentialKind.Reusable, "RFC 7628: a bearer token"),
        new("CRAM-MD5", CredentialKind.Crackable, "RFC 2195"),
        new("DIGEST-MD5", CredentialKind.Crackable, "RFC 2831"),
        new("NTLM", CredentialKind.Crackable, "MS-NLMP: NetNTLM response"),
        .. Scram.Select(name => new SaslMechanism(name, CredentialKind.Crackable, "RFC 5802, RFC 7677")),
    ];
}
