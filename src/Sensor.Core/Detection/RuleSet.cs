using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Sensor.Core.Protocols;
using Sensor.Core.Sessions;

namespace Sensor.Core.Detection;

/// <summary>A pattern that marks a capability as overwritten on the path (Cisco's XXXXXXXA and kin).</summary>
public sealed record MangleRule(Regex Pattern, string? Note);

/// <summary>
/// A server that must offer STARTTLS: by the host name in its greeting (exact, or "*.suffix"),
/// or by its endpoint. Source says where the entry came from (a rule file, an EFF policy list).
/// </summary>
public sealed record PolicyEntry(string? ServerNamePattern, string? Server, string Source)
{
    public bool Matches(MailSession session)
    {
        if (Server is not null)
            return string.Equals(Server, session.ServerText, StringComparison.OrdinalIgnoreCase);
        return session.ServerName is { } name && ServerNamePattern is { } pattern && NameMatches(pattern, name);
    }

    private static bool NameMatches(string pattern, string name) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? name.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The detection rules: mangling patterns, rejection statuses, severities and the STARTTLS policy list.</summary>
public sealed class RuleSet(
    IReadOnlyList<MangleRule> mangleRules,
    IReadOnlyList<MangleRule> maskedBanners,
    IReadOnlyDictionary<MailProtocol, IReadOnlySet<string>> rejectionStatuses,
    IReadOnlyDictionary<string, Severity> severities,
    IReadOnlyList<PolicyEntry> policy)
{
    public IReadOnlyList<MangleRule> MangleRules { get; } = mangleRules;
    public IReadOnlyList<MangleRule> MaskedBanners { get; } = maskedBanners;
    public IReadOnlyDictionary<MailProtocol, IReadOnlySet<string>> RejectionStatuses { get; } = rejectionStatuses;
    public IReadOnlyDictionary<string, Severity> Severities { get; } = severities;
    public IReadOnlyList<PolicyEntry> Policy { get; } = policy;

    /// <summary>The severity for "kind/variant", else for "kind", else medium.</summary>
    public Severity SeverityOf(string kind, string? variant)
    {
        if (variant is not null && Severities.TryGetValue($"{kind}/{variant}", out var specific))
            return specific;
        return Severities.GetValueOrDefault(kind, Severity.Medium);
    }

    /// <summary>The capability entry that looks overwritten, if any.</summary>
    public string? FindMangled(IReadOnlyList<string> capabilities)
    {
        for (int i = 0; i < capabilities.Count; i++)   // not foreach: an enumerator per session and judgement
            if (IsMangled(capabilities[i]))
                return capabilities[i];
        return null;
    }

    /// <summary>
    /// Whether a capability's first word matches a mangling pattern. Servers repeat the same few
    /// capability lines in every session, so verdicts are memoised (bounded) rather than re-run
    /// through every pattern for each session.
    /// </summary>
    private bool IsMangled(string capability)
    {
        if (_mangledMemo.TryGetValue(capability, out bool known))
            return known;
        var word = capability.AsSpan();
        int space = word.IndexOf(' ');
        if (space >= 0)
            word = word[..space];
        bool mangled = false;
        foreach (var rule in MangleRules)
            mangled |= rule.Pattern.IsMatch(word);
        if (_mangledMemo.Count < MaxMemoEntries)
            _mangledMemo.TryAdd(capability, mangled);
        return mangled;
    }

    public const int MaxMemoEntries = 16384;
    private readonly ConcurrentDictionary<string, bool> _mangledMemo = new(StringComparer.Ordinal);

    /// <summary>True when the greeting was masked by an inspecting middlebox.</summary>
    public bool IsMaskedBanner(string? banner) =>
        banner is not null && MaskedBanners.Any(rule => rule.Pattern.IsMatch(banner));

    public bool IsRejection(MailProtocol protocol, string status) =>
        RejectionStatuses.TryGetValue(protocol, out var statuses) && statuses.Contains(status);

    public PolicyEntry? PolicyFor(MailSession session) => Policy.FirstOrDefault(entry => entry.Matches(session));

    public RuleSet WithPolicy(IEnumerable<PolicyEntry> more) =>
        new(MangleRules, MaskedBanners, RejectionStatuses, Severities, [.. Policy, .. more]);
}
