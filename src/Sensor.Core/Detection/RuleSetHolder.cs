namespace Sensor.Core.Detection;

/// <summary>
/// The rule set detection judges by, swappable while a live sensor runs (rule reload on SIGHUP or when
/// the rule file changes). Detection reads <see cref="Current"/> for each session, so a session is judged
/// by the rules current when it ends; a replay passes a plain <see cref="RuleSet"/> and never swaps it.
/// </summary>
public sealed class RuleSetHolder(RuleSet rules)
{
    private volatile RuleSet _current = rules;

    public RuleSet Current => _current;

    /// <summary>Sessions judged from now on use <paramref name="rules"/>; safe from any thread.</summary>
    public void Replace(RuleSet rules) => _current = rules;

    public static implicit operator RuleSetHolder(RuleSet rules) => new(rules);
}
