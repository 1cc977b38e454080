namespace Sensor.Core.Detection;

/// <summary>
/// Where a run's rules come from: the shipped defaults, a rule file layered over them, then policy lists
/// (rule files or EFF STARTTLS-Everywhere policy.json) in order. Loading again re-reads every file, which
/// is how a live sensor reloads its rules.
/// </summary>
public sealed record RuleSources(string? RuleFile, IReadOnlyList<string> PolicyFiles)
{
    /// <summary>Every file the rules are read from (what a live sensor watches for changes).</summary>
    public IEnumerable<string> Files => RuleFile is null ? PolicyFiles : [RuleFile, .. PolicyFiles];

    /// <summary>Reads every file; throws <see cref="RuleFileException"/> for the first that does not validate.</summary>
    public RuleSet Load()
    {
        var rules = DefaultRules.Rules;
        if (RuleFile is not null)
            rules = RuleFileLoader.Load(RuleFile, rules);
        foreach (var policy in PolicyFiles)
            rules = policy.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? rules.WithPolicy(EffPolicyListLoader.Load(policy))
                : RuleFileLoader.Load(policy, rules);
        return rules;
    }
}
