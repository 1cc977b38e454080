using System.Text;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Protocols;
using Sensor.Core.Sessions;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// What the answering host shows of itself, from the capture and from the probes, and where the two
/// differ: a transparent proxy that answers for the server on the capture's path shows its own
/// greeting, its own EHLO list, its own TLS stack or its own TCP/IP stack (<see cref="TlsChoice"/>,
/// <see cref="TcpTraitsComparison"/>), even when it lets STARTTLS through. Pure.
/// A trait differs only when no value the capture saw is among those the probes saw, so a farm whose
/// members answer differently (and which the probes therefore see both ways) is never "different".
/// </summary>
public static class AnswerTraits
{
    /// <summary>A greeting with its digits after the reply code masked: greetings that carry a time or a queue id stay comparable.</summary>
    public static string Greeting(string banner)
    {
        var trimmed = banner.Trim();
        int code = trimmed.Length >= 3 && char.IsAsciiDigit(trimmed[0]) && char.IsAsciiDigit(trimmed[1]) && char.IsAsciiDigit(trimmed[2]) ? 3 : 0;
        var text = new StringBuilder(trimmed.Length).Append(trimmed, 0, code);
        foreach (var ch in trimmed.AsSpan(code))
            text.Append(char.IsAsciiDigit(ch) ? '#' : ch);
        return text.ToString();
    }

    /// <summary>
    /// An SMTP EHLO list as a comparable text: names and values (SIZE 10240000), upper case, sorted, without
    /// the STARTTLS offer and without entries a box masked with X's (a stripped or mangled offer is judged
    /// as STARTTLS, not as a trait). Null for IMAP and POP3, whose lists change with login and with the
    /// greeting's own list, so a capture and a probe do not see the same moment of them.
    /// </summary>
    public static string? Capabilities(string protocol, IEnumerable<string> capabilities)
    {
        if (protocol != MailProtocol.Smtp.ToWire())
            return null;
        var kept = capabilities.Select(c => c.Trim().ToUpperInvariant())
            .Where(c => c.Length > 0 && !StartTlsKeyword.IsOffer(MailProtocol.Smtp, c) && !IsMasked(c))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return string.Join(", ", kept);
    }

    private static bool IsMasked(string capability) => capability.Length >= 4 && capability.AsSpan(0, 4).SequenceEqual("XXXX");

    /// <summary>Each trait that differs, as "what: here ...; from VANTAGES ..."; empty when nothing does.</summary>
    public static List<string> Differences(PassiveObservation passive, ProbeConsensus probes)
    {
        var answered = probes.Probes.SelectMany(p => p.Connections.Where(c => c.Attempt.Banner is not null).Select(c => (p.Record, p.Record.Vantage, c.Attempt))).ToList();
        var vantages = string.Join(", ", answered.Select(a => a.Vantage).Distinct(StringComparer.OrdinalIgnoreCase));
        var differences = new List<string>();
        Compare("greeting", passive.Greetings, answered.Select(a => Greeting(a.Attempt.Banner!)), vantages, differences);
        Compare("capabilities", passive.CapabilityLists,
            answered.Where(a => a.Attempt.Capabilities.Count > 0).Select(a => Capabilities(passive.Protocol, a.Attempt.Capabilities)).OfType<string>(), vantages, differences);
        var probeVersions = answered.Select(a => a.Attempt.TlsVersion).OfType<string>().ToList();
        // A client can hold a server below its highest version, never lift it above: only a higher version here tells.
        if (probeVersions.Count > 0 && passive.TlsVersions.Count > 0
            && passive.TlsVersions.Max(StringComparer.Ordinal) is { } here && probeVersions.Max(StringComparer.Ordinal) is { } there
            && string.CompareOrdinal(here, there) > 0)
            differences.Add($"TLS version: {here} here; at most {there} from {vantages}");
        TlsChoice.Compare(passive.TlsChoices, [.. answered.Select(a => ChoiceOf(a.Record, a.Attempt)).OfType<TlsChoice>()], vantages, differences);
        TcpTraitsComparison.Compare(passive.ServerTcp, [.. answered.Select(a => a.Attempt.ServerTcp).OfType<TcpTraitsRecord>()], vantages, differences);
        return differences;
    }

    /// <summary>The server's choice for a probe's connection, with the suites its ClientHello offered; null without TLS.</summary>
    private static TlsChoice? ChoiceOf(ProbeRecord record, ProbeAttempt attempt) =>
        attempt is { TlsVersion: { } version, TlsCipher: { } cipher } && record.TlsClientCiphers is { Count: > 0 } offered
            ? new TlsChoice(version, cipher, offered)
            : null;

    /// <summary>Adds "WHAT: 'here' here; 'there' from VANTAGES" when both sides have values and none here is among those there.</summary>
    internal static void Compare(string what, IReadOnlyCollection<string> here, IEnumerable<string> elsewhere, string vantages, List<string> differences)
    {
        var there = elsewhere.Distinct(StringComparer.Ordinal).ToList();
        if (here.Count == 0 || there.Count == 0 || here.Any(there.Contains))
            return;
        differences.Add($"{what}: '{string.Join("' or '", here)}' here; '{string.Join("' or '", there)}' from {vantages}");
    }
}
