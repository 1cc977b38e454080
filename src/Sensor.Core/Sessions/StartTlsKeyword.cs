using Sensor.Core.Protocols;

namespace Sensor.Core.Sessions;

/// <summary>The capability word that offers the upgrade: STARTTLS (RFC 3207, RFC 2595 §3.1 for IMAP), STLS (RFC 2595 §4 for POP3).</summary>
public static class StartTlsKeyword
{
    public static string For(MailProtocol protocol) => protocol == MailProtocol.Pop3 ? "STLS" : "STARTTLS";

    /// <summary>True when a capability entry (an EHLO line, an IMAP atom, a CAPA line) offers the upgrade.</summary>
    public static bool IsOffer(MailProtocol protocol, string capability)
    {
        var keyword = For(protocol);
        var first = capability.AsSpan().Trim();
        int space = first.IndexOf(' ');
        if (space >= 0)
            first = first[..space];
        return first.Equals(keyword, StringComparison.OrdinalIgnoreCase);
    }
}
