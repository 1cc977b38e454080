using System.Globalization;
using System.Net;

namespace Sensor.Core.Probing;

/// <summary>The mail protocol a probe speaks.</summary>
public enum ProbeProtocol { Smtp, Imap, Pop3 }

/// <summary>What `--proto` picks: the default ports probed for a target given without a port.</summary>
public enum ProbeSelection { Smtp, Submission, Imap, Pop3, All }

/// <summary>
/// One server to probe: a host name or IP address, a port, the protocol spoken there and whether
/// TLS starts at connect (465, 993, 995). <see cref="Address"/> pins the address to connect to
/// (like curl's --resolve) so a name can be probed without resolving it.
/// </summary>
public sealed record ProbeTarget(string Host, int Port, ProbeProtocol Protocol, bool ImplicitTls, IPAddress? Address = null)
{
    /// <summary>Whether the port was given (HOST:PORT): such a target is probed as a host, never through MX.</summary>
    public bool PortGiven { get; init; }

    /// <summary>A name given without a port and probed for SMTP on 25: a mail domain, resolved through MX.</summary>
    public bool IsMailDomain => !PortGiven && Port == 25 && Protocol == ProbeProtocol.Smtp && Address is null && !IPAddress.TryParse(Host, out _);

    private static readonly HashSet<int> ImplicitTlsPorts = [465, 993, 995];

    /// <summary>"host:port", "[v6]:port" for IPv6 literals.</summary>
    public string Display => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public static bool TryParseSelection(string text, out ProbeSelection selection) =>
        Enum.TryParse(text, ignoreCase: true, out selection) && !int.TryParse(text, out _);

    /// <summary>The (port, protocol) pairs a selection means for a target given without a port.</summary>
    public static IReadOnlyList<(int Port, ProbeProtocol Protocol)> DefaultPorts(ProbeSelection selection) => selection switch
    {
        ProbeSelection.Smtp => [(25, ProbeProtocol.Smtp)],
        ProbeSelection.Submission => [(587, ProbeProtocol.Smtp), (465, ProbeProtocol.Smtp)],
        ProbeSelection.Imap => [(143, ProbeProtocol.Imap), (993, ProbeProtocol.Imap)],
        ProbeSelection.Pop3 => [(110, ProbeProtocol.Pop3), (995, ProbeProtocol.Pop3)],
        _ => [.. DefaultPorts(ProbeSelection.Smtp), .. DefaultPorts(ProbeSelection.Submission), .. DefaultPorts(ProbeSelection.Imap), .. DefaultPorts(ProbeSelection.Pop3)],
    };

    /// <summary>The protocol a well-known port speaks, or null.</summary>
    public static ProbeProtocol? GuessProtocol(int port) => port switch
    {
        25 or 465 or 587 or 2525 => ProbeProtocol.Smtp,
        143 or 993 => ProbeProtocol.Imap,
        110 or 995 => ProbeProtocol.Pop3,
        _ => null,
    };

    /// <summary>
    /// Parses HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address. Without a port the selection's
    /// default ports are probed (smtp when none was given); with one, the protocol comes from
    /// --proto when given, else from the port. Throws <see cref="FormatException"/> with one clear line.
    /// </summary>
    public static IReadOnlyList<ProbeTarget> Parse(string text, ProbeSelection? selection)
    {
        var (host, port) = SplitHostPort(text.Trim());
        if (port is null)
            return [.. DefaultPorts(selection ?? ProbeSelection.Smtp).Select(p => new ProbeTarget(host, p.Port, p.Protocol, ImplicitTlsPorts.Contains(p.Port)))];
        var protocol = selection switch
        {
            null or ProbeSelection.All => GuessProtocol(port.Value)
                ?? throw new FormatException($"{text}: cannot tell the protocol of port {port} (give --proto smtp, imap or pop3)"),
            ProbeSelection.Smtp or ProbeSelection.Submission => ProbeProtocol.Smtp,
            ProbeSelection.Imap => ProbeProtocol.Imap,
            _ => ProbeProtocol.Pop3,
        };
        return [new ProbeTarget(host, port.Value, protocol, ImplicitTlsPorts.Contains(port.Value)) { PortGiven = true }];
    }

    private static (string Host, int? Port) SplitHostPort(string text)
    {
        if (text.Length == 0)
            throw new FormatException("empty target");
        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(text[1..close], out _))
                throw new FormatException($"{text}: not a valid [IPv6]:port target");
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
                portText = rest.StartsWith(':') ? rest[1..] : throw new FormatException($"{text}: expected ':PORT' after ']'");
        }
        else if (text.Count(c => c == ':') > 1)
        {
            host = IPAddress.TryParse(text, out _) ? text : throw new FormatException($"{text}: not a valid IPv6 address (write [v6]:port)");
        }
        else
        {
            var colon = text.IndexOf(':');
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? null : text[(colon + 1)..];
        }
        if (!IsValidHost(host))
            throw new FormatException($"{text}: '{host}' is not a host name or IP address");
        if (portText is null)
            return (host, null);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new FormatException($"{text}: port must be a number from 1 to 65535");
        return (host, port);
    }

    private static bool IsValidHost(string host)
    {
        if (IPAddress.TryParse(host, out _))
            return true;
        if (host.Length is 0 or > 253)
            return false;
        return host.TrimEnd('.').Split('.').All(label =>
            label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'));
    }
}
