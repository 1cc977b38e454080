using Sensor.Core.Protocols.Sasl;

namespace Sensor.Core.Protocols;

/// <summary>
/// The finding variants a <see cref="CredentialEvent"/> carries: one per command that sends a secret
/// outside SASL, and one per SASL mechanism the sensor reads under each protocol's SASL command
/// (prefix + the mechanism in lower case). The catalogue (Catalogue/FindingCatalogue.cs) lists them all from here.
/// </summary>
public static class CredentialVariants
{
    /// <summary>IMAP LOGIN user password (RFC 3501 §6.2.3).</summary>
    public const string ImapLogin = "imap-login";
    /// <summary>POP3 USER then PASS (RFC 1939 §7).</summary>
    public const string Pop3UserPass = "pop3-user-pass";
    /// <summary>POP3 APOP name digest: MD5 of the greeting's timestamp and the secret (RFC 1939 §7).</summary>
    public const string Pop3Apop = "pop3-apop";

    public const string SmtpSaslPrefix = "smtp-auth-";
    public const string ImapSaslPrefix = "imap-authenticate-";
    public const string Pop3SaslPrefix = "pop3-auth-";

    /// <summary>The SASL commands: variant prefix and what it is.</summary>
    public static readonly IReadOnlyList<(string Prefix, string Command)> SaslCommands =
    [
        (SmtpSaslPrefix, "SMTP AUTH (RFC 4954)"),
        (ImapSaslPrefix, "IMAP AUTHENTICATE (RFC 3501 §6.2.2)"),
        (Pop3SaslPrefix, "POP3 AUTH (RFC 5034)"),
    ];

    public static string Sasl(string prefix, string mechanism) => prefix + mechanism.ToLowerInvariant();

    /// <summary>The variants outside SASL, with their kind and what they are.</summary>
    public static readonly IReadOnlyList<(string Variant, CredentialKind Kind, string What)> Commands =
    [
        (ImapLogin, CredentialKind.Reusable, "IMAP LOGIN user password (RFC 3501 §6.2.3)"),
        (Pop3UserPass, CredentialKind.Reusable, "POP3 USER then PASS (RFC 1939 §7)"),
        (Pop3Apop, CredentialKind.Crackable, "POP3 APOP: MD5 over the greeting's timestamp and the secret (RFC 1939 §7)"),
    ];

    /// <summary>Every credential variant the parsers can raise, with its kind and what it is.</summary>
    public static IEnumerable<(string Variant, CredentialKind Kind, string What)> All()
    {
        foreach (var command in Commands)
            yield return command;
        foreach (var (prefix, command) in SaslCommands)
            foreach (var mechanism in SaslMechanisms.Read)
                yield return (Sasl(prefix, mechanism.Name), mechanism.Kind, $"{command}, {mechanism.Name} ({mechanism.Reference})");
    }
}
